using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Features;

namespace SpeechEmotion.Training;

/// <summary>One utterance ready for the model: its features [frames, Width] (not yet normalised; the paper's
/// 400-bin spectrogram unless a front end says otherwise), label index, and for regression corpora its score.</summary>
public sealed record Example(Utterance Utterance, float[] Features, int Label, double Score = 0)
{
    public int Width { get; init; } = Spectrogram.Bins;
    public int Frames => Features.Length / Width;
}

/// <summary>
/// A corpus turned into features by a front end once (in parallel) and kept in memory; files that fail to load are reported and
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

    /// <summary>For regression the label column holds the score (invariant culture); a label that is not a number is a problem.</summary>
    public static FeatureSet Load(Corpus corpus, bool regression = false, FrontEnd? frontEnd = null, IProgress<int>? progress = null)
    {
        frontEnd ??= FrontEnd.Paper;
        var results = new Example?[corpus.Utterances.Count];
        var errors = new CorpusProblem?[corpus.Utterances.Count];
        int done = 0;
        Parallel.For(0, corpus.Utterances.Count, i =>
        {
            var u = corpus.Utterances[i];
            try
            {
                double score = 0;
                if (regression && !double.TryParse(u.Label, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out score))
                {
                    errors[i] = new CorpusProblem(u.Path, $"score '{u.Label}' is not a number");
                    return;
                }
                var features = frontEnd.Compute(WavReader.ReadMono16k(u.Path));
                results[i] = (regression ? new Example(u, features, 0, score) : new Example(u, features, corpus.LabelIndex(u.Label))) with { Width = frontEnd.Width };
            }
            catch (AudioFormatException e)
            {
                errors[i] = new CorpusProblem(u.Path, e.Reason);
            }
            finally
            {
                progress?.Report(Interlocked.Increment(ref done));
            }
        });
        return new FeatureSet(corpus, results.OfType<Example>().ToList(), [.. corpus.Problems, .. errors.OfType<CorpusProblem>()]);
    }

    public IReadOnlyList<Example> Speakers(IReadOnlyCollection<string> speakers) => Examples.Where(e => speakers.Contains(e.Utterance.Speaker)).ToList();

    public IReadOnlyList<Example> Except(IReadOnlyCollection<string> speakers) => Examples.Where(e => !speakers.Contains(e.Utterance.Speaker)).ToList();
}
