using System.Globalization;
using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Features;

namespace SpeechEmotion.Training;

/// <summary>One utterance ready for the model: its features [frames, Width] (not yet normalised; the paper's
/// 400-bin spectrogram unless a front end says otherwise), label index, and for regression corpora its score.</summary>
public sealed record Example(Utterance Utterance, float[] Features, int Label, double Score = 0)
{
    public int Width { get; init; } = Spectrogram.Bins;

    /// <summary>For a speed-perturbed training copy, the speaker of the original (its own Speaker names a
    /// pseudo-speaker).</summary>
    public string? PerturbedFrom { get; init; }
    public int Frames => Features.Length / Width;
}

/// <summary>
/// A corpus turned into features by a front end once (in parallel) and kept in memory; files that fail to load are
/// reported and skipped, never fatal. Splits by speaker produce the train/validation/test sets of a fold. With speed
/// factors, each utterance also gets perturbed copies, used for training only: a copy of speaker 03's utterance at 0.9
/// belongs to the pseudo-speaker "03 sp0.9" (so speaker normalisation treats it as a voice of its own) and leaves the
/// training data whenever speaker 03 is held out.
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

    /// <summary>The corpus utterances as recorded.</summary>
    public IReadOnlyList<Example> Examples { get; }

    /// <summary>Speed-perturbed copies of <see cref="Examples"/> (training only; empty without speed
    /// factors).</summary>
    public IReadOnlyList<Example> Perturbed { get; private init; } = [];
    public IReadOnlyList<CorpusProblem> Problems { get; }

    /// <summary>For regression the label column holds the score (invariant culture); a label that is not a number is a
    /// problem.</summary>
    public static FeatureSet Load(
        Corpus corpus,
        bool regression = false,
        FrontEnd? frontEnd = null,
        IReadOnlyList<double>? speeds = null,
        IProgress<int>? progress = null,
        FeatureCache? cache = null
    )
    {
        frontEnd ??= FrontEnd.Paper;
        speeds ??= [];
        var copies = new Example[corpus.Utterances.Count][];
        var results = new Example?[corpus.Utterances.Count];
        var errors = new CorpusProblem?[corpus.Utterances.Count];
        int done = 0;
        Parallel.For(
            0,
            corpus.Utterances.Count,
            i =>
            {
                var u = corpus.Utterances[i];
                try
                {
                    double score = 0;
                    if (
                        regression
                        && !double.TryParse(
                            u.Label,
                            System.Globalization.NumberStyles.Float,
                            System.Globalization.CultureInfo.InvariantCulture,
                            out score
                        )
                    )
                    {
                        errors[i] = new CorpusProblem(u.Path, $"score '{u.Label}' is not a number");
                        return;
                    }
                    var audio = new Lazy<float[]>(() => WavReader.ReadMono16k(u.Path)); // not read on a cache hit
                    float[] Features(double speed)
                    {
                        float[] Compute() =>
                            frontEnd.Compute(speed == 1 ? audio.Value : SpeedPerturbation.Apply(audio.Value, speed));
                        return cache is null ? Compute() : cache.GetOrCompute(u.Path, frontEnd, speed, Compute);
                    }
                    var example = new Example(u, Features(1), regression ? 0 : corpus.LabelIndex(u.Label), score)
                    {
                        Width = frontEnd.Width,
                    };
                    copies[i] = speeds
                        .Select(s =>
                            example with
                            {
                                Utterance = u with
                                {
                                    Speaker = u.Speaker + " sp" + s.ToString(CultureInfo.InvariantCulture),
                                },
                                Features = Features(s),
                                PerturbedFrom = u.Speaker,
                            }
                        )
                        .ToArray();
                    results[i] = example;
                }
                catch (AudioFormatException e)
                {
                    errors[i] = new CorpusProblem(u.Path, e.Reason);
                }
                finally
                {
                    progress?.Report(Interlocked.Increment(ref done));
                }
            }
        );
        var readable = results.OfType<Example>().ToList();
        // A label whose listed files all failed would be a class with no example (a corpus's fixed label set, as
        // Emo-DB's seven, may still name emotions that have no files at all).
        bool Unreadable(string label) =>
            corpus.Utterances.Any(u => u.Label == label) && readable.All(e => e.Utterance.Label != label);
        if (!regression && corpus.Labels.FirstOrDefault(Unreadable) is { } phantom)
            throw new InvalidDataException(
                $"{corpus.Name}: label '{phantom}' has no readable example "
                    + $"({corpus.Utterances.Count(u => u.Label == phantom)} listed, none could be read); "
                    + "fix or remove its rows"
            );
        return new FeatureSet(corpus, readable, [.. corpus.Problems, .. errors.OfType<CorpusProblem>()])
        {
            Perturbed = copies.Where(c => c is not null).SelectMany(c => c).ToList(),
        };
    }

    public IReadOnlyList<Example> Speakers(IReadOnlyCollection<string> speakers) =>
        Examples.Where(e => speakers.Contains(e.Utterance.Speaker)).ToList();

    /// <summary>Training examples without the given speakers: everyone else's utterances and their perturbed
    /// copies.</summary>
    public IReadOnlyList<Example> Except(IReadOnlyCollection<string> speakers) =>
        [
            .. Examples.Where(e => !speakers.Contains(e.Utterance.Speaker)),
            .. Perturbed.Where(e => !speakers.Contains(e.PerturbedFrom!)),
        ];

    /// <summary>Training examples from the given utterances and their perturbed copies (a random split's training
    /// part).</summary>
    public IReadOnlyList<Example> With(IReadOnlyCollection<Example> utterances)
    {
        var paths = utterances.Select(e => e.Utterance.Path).ToHashSet();
        return [.. utterances, .. Perturbed.Where(e => paths.Contains(e.Utterance.Path))];
    }
}
