using SpeechEmotion.Corpora;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Features;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>One report of the suite: a `ser loso` command line over one corpus, mode, model and training set, and
/// the folds it runs (--quick: the first only).</summary>
internal sealed record SuiteCell(
    string Name,
    string Corpus,
    string Mode,
    string Model,
    string Training,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string[]> Folds,
    bool FirstFoldOnly
)
{
    /// <summary>The command line of the whole cell (what --merge runs once every fold is done).</summary>
    public IReadOnlyList<string> Complete =>
        FirstFoldOnly && Training != "cross" ? [.. Arguments, "--folds", Folds[0][0]] : Arguments;
}

/// <summary>One job: a cell's fold (or its only fold), run as that cell's command line restricted to it.</summary>
internal sealed record SuiteJob(int Number, SuiteCell Cell, string? FoldSpeaker)
{
    public IReadOnlyList<string> Arguments =>
        FoldSpeaker is null ? Cell.Arguments : [.. Cell.Arguments, "--folds", FoldSpeaker];
}

/// <summary>
/// The fixed protocol of the generalisation suite. Corpora: Emo-DB (10 folds: LOSO), ASED and URDU (5
/// speaker-grouped folds each: speakers sorted as strings, fold = index mod 5). Cells: corpus × mode (utterance:
/// nothing but the file — training-set statistics, or the file's own for a per-utterance recipe; speaker: each
/// speaker's own) × model (network: the network recipe; baseline:
/// functionals) × training set (alone: that corpus's training folds; all: those plus every utterance of the two
/// other corpora); and cross-corpus: train on two corpora, test on the third, on the four labels all share. Every
/// (cell, fold) is a job. --quick keeps each cell's first fold and trains the network one epoch at toy size.
/// </summary>
internal static class SuitePlan
{
    public static readonly string[] SharedLabels = ["anger", "happiness", "neutral", "sadness"];

    private static readonly (string Name, CorpusFormat Format, string Path, int Groups)[] Corpora =
    [
        ("emodb", CorpusFormat.EmoDb, "emodb", 0),
        ("ased", CorpusFormat.Csv, "ased/manifest.csv", 5),
        ("urdu", CorpusFormat.Csv, "urdu/manifest.csv", 5),
    ];

    public static IReadOnlyList<SuiteCell> Cells(
        string dataRoot,
        string networkRecipe,
        bool quick,
        IReadOnlyCollection<string> models
    )
    {
        var path = Corpora.ToDictionary(c => c.Name, c => Path.GetFullPath(Path.Combine(dataRoot, c.Path)));
        var source = Corpora.ToDictionary(c => c.Name, c => $"{c.Format.ToString().ToLowerInvariant()}:{path[c.Name]}");
        var corpora = Corpora.ToDictionary(c => c.Name, c => CorpusLoader.Load(path[c.Name], c.Format));
        var speakers = corpora.ToDictionary(c => c.Key, c => c.Value.Speakers);
        // Cross-corpus tests the speakers with an utterance of a shared label (ASED's speaker 40 has only fear).
        var sharedSpeakers = corpora.ToDictionary(c => c.Key, c => c.Value.WithLabels(SharedLabels).Speakers);
        var cells = new List<SuiteCell>();
        foreach (var model in new[] { "network", "baseline" }.Where(models.Contains))
        {
            string[] recipe =
                model == "network"
                    ? quick
                        ?
                        [
                            "--recipe",
                            networkRecipe,
                            "--epochs",
                            "1",
                            "--average-last",
                            "0",
                            "--steps",
                            "0",
                            "--hidden",
                            "8",
                            "--heads",
                            "2",
                        ]
                        : ["--recipe", networkRecipe]
                    : ["--recipe", "functionals"];
            // Utterance mode keeps a recipe's one-file normalisation (global or per utterance); a speaker-normalised
            // recipe runs there with global statistics.
            string own = model == "network" ? Recipe.Load(networkRecipe).Training.Normalization.ToString() : "global";
            string utterance = own == nameof(FeatureNormalization.Speaker) ? "global" : own.ToLowerInvariant();
            foreach (var mode in new[] { "utterance", "speaker" })
            {
                string[] common = [.. recipe, "--normalize", mode == "utterance" ? utterance : "speaker"];
                foreach (var (name, _, _, groups) in Corpora)
                {
                    var others = Corpora
                        .Where(c => c.Name != name)
                        .SelectMany(c => new[] { "--train-also", source[c.Name] })
                        .ToArray();
                    foreach (var training in new[] { "alone", "all" })
                    {
                        var tested =
                            training == "alone" ? speakers[name] : speakers[name].Select(s => $"{name}/{s}").ToList();
                        var folds = FoldPlan.Folds(tested, "all", groups);
                        if (quick)
                            folds = [folds[0]];
                        string[] args =
                        [
                            .. common,
                            "--data",
                            source[name],
                            .. training == "all" ? others : [],
                            .. groups > 0 ? new[] { "--fold-groups", groups.ToString() } : [],
                        ];
                        cells.Add(
                            new SuiteCell(
                                $"{name}-{mode}-{model}-{training}",
                                name,
                                mode,
                                model,
                                training,
                                args,
                                folds,
                                quick
                            )
                        );
                    }
                }
                foreach (var (name, _, _, _) in Corpora)
                {
                    var others = Corpora
                        .Where(c => c.Name != name)
                        .SelectMany(c => new[] { "--train-also", source[c.Name] });
                    string[] args =
                    [
                        .. common,
                        "--data",
                        source[name],
                        .. others,
                        "--labels",
                        string.Join(",", SharedLabels),
                        "--fold-groups",
                        "1",
                    ];
                    cells.Add(
                        new SuiteCell(
                            $"{name}-{mode}-{model}-cross",
                            name,
                            mode,
                            model,
                            "cross",
                            args,
                            [
                                [.. sharedSpeakers[name].Select(s => $"{name}/{s}")],
                            ],
                            quick
                        )
                    );
                }
            }
        }
        return cells;
    }

    /// <summary>Every (cell, fold), numbered from 1; a cross-corpus cell is one job.</summary>
    public static IReadOnlyList<SuiteJob> Jobs(IReadOnlyList<SuiteCell> cells)
    {
        var jobs = new List<SuiteJob>();
        foreach (var cell in cells)
        {
            if (cell.Training == "cross")
                jobs.Add(new SuiteJob(jobs.Count + 1, cell, null));
            else
                foreach (var fold in cell.Folds)
                    jobs.Add(new SuiteJob(jobs.Count + 1, cell, fold[0]));
        }
        return jobs;
    }
}
