using SpeechEmotion.Corpora;
using SpeechEmotion.Features;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests.Support;

/// <summary>A synthetic labelled set: noisy tones whose frequency gives the class, spread over speakers.</summary>
public static class ToneCorpus
{
    public static readonly string[] Labels = ["low", "mid", "high"];
    private static readonly double[] Hz = [300, 900, 2100];

    public static List<Example> Examples(int perClassPerSpeaker, string[] speakers, int seed)
    {
        var random = new Random(seed);
        var examples = new List<Example>();
        foreach (var speaker in speakers)
            for (int label = 0; label < Labels.Length; label++)
            for (int k = 0; k < perClassPerSpeaker; k++)
            {
                int samples = 1600 + random.Next(2400);
                double pitch = Hz[label] * (1 + 0.05 * (random.NextDouble() - 0.5));
                var audio = Enumerable
                    .Range(0, samples)
                    .Select(n =>
                        (float)(0.3 * Math.Sin(2 * Math.PI * pitch * n / 16000) + 0.05 * (random.NextDouble() - 0.5))
                    )
                    .ToArray();
                examples.Add(
                    new Example(
                        new Utterance($"{speaker}-{label}-{k}.wav", Labels[label], speaker),
                        Spectrogram.Compute<float>(audio),
                        label
                    )
                );
            }
        return examples;
    }
}
