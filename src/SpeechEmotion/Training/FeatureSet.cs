using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Features;

namespace SpeechEmotion.Training;

/// <summary>One utterance ready for the model: its spectrogram [frames, 400] (not yet normalised) and label index.</summary>
public sealed record Example(Utterance Utterance, float[] Features, int Label)
{
    public int Frames => Features.Length / Spectrogram.Bins;
}

/// <summary>
/// A corpus turned into spectrograms once (in parallel) and kept in memory; files that fail to load are reported and
/// skipped, never fatal. Splits by speaker produce the train/validation/test sets of a fold.
/// </summary>
public sealed class FeatureSet
{
    private FeatureSet(Corpus corpus, IReadOnlyList<Example> examples, IReadOnlyList<CorpusProblem> problems)
    {
        Corpus = corpus;
        Examples = examples;
        Problems = problems;
    }

    public Corpus Corpus { get; }
    public IReadOnlyList<string> Labels => Corpus.Labels;
    public IReadOnlyList<Example> Examples { get; }
    public IReadOnlyList<CorpusProblem> Problems { get; }

    public static FeatureSet Load(Corpus corpus, IProgress<int>? progress = null)
    {
        var results = new Example?[corpus.Utterances.Count];
        var errors = new CorpusProblem?[corpus.Utterances.Count];
        int done = 0;
        Parallel.For(0, corpus.Utterances.Count, i =>
        {
            var u = corpus.Utterances[i];
            try
            {
                results[i] = new Example(u, Spectrogram.Compute<float>(WavReader.ReadMono16k(u.Path)), corpus.LabelIndex(u.Label));
            }
            catch (AudioFormatException e)
            {
                errors[i] = new CorpusProblem(u.Path, e.Reason);
            }
            progress?.Report(Interlocked.Increment(ref done));
        });
        return new FeatureSet(corpus, results.OfType<Example>().ToList(), [.. corpus.Problems, .. errors.OfType<CorpusProblem>()]);
    }

    public IReadOnlyList<Example> Speakers(IReadOnlyCollection<string> speakers) => Examples.Where(e => speakers.Contains(e.Utterance.Speaker)).ToList();

    public IReadOnlyList<Example> Except(IReadOnlyCollection<string> speakers) => Examples.Where(e => !speakers.Contains(e.Utterance.Speaker)).ToList();
}
