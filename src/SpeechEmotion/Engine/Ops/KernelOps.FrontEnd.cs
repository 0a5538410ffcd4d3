using SpeechEmotion.Features;

namespace SpeechEmotion.Engine.Ops;

// The front end on the device (IFeatureBackend): a batch of clips from samples to the model's padded, standardised
// input. The reference is the CPU front end, normaliser and padding (FrontEndReference); on a backend that does not
// compute the front end itself the launch computes that and uploads it, so the same launch runs (and times) everywhere.
public static partial class KernelOps
{
    /// <summary>The paper's linear power spectrogram, standardised with the batch's statistics.</summary>
    public static KernelOp FrontEndLinear => FrontEndOp("front-end-linear", FrontEnd.Paper, global: true);

    /// <summary>The default recipe's 64 log-mel bands + pitch + Δ/ΔΔ.</summary>
    public static KernelOp FrontEndMel =>
        FrontEndOp("front-end-mel", FrontEnd.Mel(64, deltas: true, pitch: true), true);

    /// <summary>The same, each clip standardised with its own statistics.</summary>
    public static KernelOp FrontEndUtterance =>
        FrontEndOp("front-end-utterance", FrontEnd.Mel(64, deltas: true, pitch: true), global: false);

    private static KernelOp FrontEndOp(string name, FrontEnd frontEnd, bool global) =>
        new(
            name,
            "Spectrogram.cs, MelSpectrogram.cs, Pitch.cs, Deltas.cs · FrontEndKernels.cs · FrontEnd.cs",
            frontEnd.Pitch ? PitchTolerance : ForwardTolerance,
            _ => double.NaN,
            data =>
            {
                // Clips of unequal length: Steps frames, one shorter than a window, random ones in between.
                var clips = data.Lengths()
                    .Select(
                        (frames, c) =>
                            c == 1
                                ? 311
                                : Spectrogram.WindowLength + (frames - 1) * Spectrogram.Hop + data.Random.Next(160)
                    )
                    .Select(samples => data.Uniform(samples, 0.5f))
                    .ToArray();
                var normalizer = global
                    ? FeatureNormalizer.Fit(clips.Select(c => frontEnd.Compute(c)), frontEnd.Width)
                    : null;
                int steps = clips.Max(c => Spectrogram.FrameCount(c.Length));
                return b =>
                {
                    b.Reads(sizeof(float) * clips.Sum(c => (long)c.Length));
                    var output = b.Out(clips.Length, steps, frontEnd.Width);
                    return b.Launch(
                        () =>
                        {
                            if (b.Backend is IFeatureBackend device && device.Computes(frontEnd))
                                device.Features(frontEnd, clips, normalizer, output);
                            else
                                b.Backend.Upload(FrontEndReference(frontEnd, clips, normalizer), output);
                        },
                        output
                    );
                };
            }
        );

    /// <summary>The CPU front end of each clip, standardised (null: with its own statistics), zero-padded to the
    /// longest.</summary>
    public static float[] FrontEndReference(
        FrontEnd frontEnd,
        IReadOnlyList<float[]> clips,
        FeatureNormalizer? normalizer
    )
    {
        var features = clips.Select(c => frontEnd.Compute(c)).ToArray();
        int width = frontEnd.Width,
            steps = features.Max(f => f.Length / width);
        var padded = new float[clips.Count * steps * width];
        for (int c = 0; c < clips.Count; c++)
        {
            if (normalizer is null)
                FeatureNormalizer.ApplyOwn(features[c], width);
            else
                normalizer.Apply(features[c]);
            features[c].CopyTo(padded, c * steps * width);
        }
        return padded;
    }
}
