using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>
/// Combines finished LOSO runs over the same folds into one: each test utterance gets the mean of the members' softmax
/// probabilities and their argmax. Every member was selected on its own validation speakers, so the ensemble never
/// sees a test speaker either; which runs to combine must be decided without looking at their test results.
/// </summary>
public static class Ensemble
{
    /// <summary><paramref name="runs"/>: per member (named for errors), its folds in any order.</summary>
    public static IReadOnlyList<FoldResult> Combine(
        IReadOnlyList<string> labels,
        IReadOnlyList<(string Name, IReadOnlyList<FoldResult> Folds)> runs
    )
    {
        if (runs.Count < 2)
            throw new ArgumentException("an ensemble needs at least two runs");
        var first = runs[0];
        if (runs.SelectMany(r => r.Folds).Any(f => f.ScoreRange > 0))
            throw new ArgumentException("ensembles combine classification runs; these are regression runs");
        var combined = new List<FoldResult>();
        foreach (var fold in first.Folds)
        {
            string key = string.Join(",", fold.Speakers);
            var members = runs.Select(run =>
                    run.Folds.SingleOrDefault(f => f.Speakers.SequenceEqual(fold.Speakers))
                    ?? throw new ArgumentException($"{run.Name}: has no finished fold {key}")
                )
                .ToList();
            var byUtterance = members.Select(f => f.Predictions.ToDictionary(q => (q.Speaker, q.Path))).ToList();
            var predictions = fold
                .Predictions.Select(p =>
                {
                    var probabilities = new float[labels.Count];
                    for (int m = 0; m < runs.Count; m++)
                    {
                        var match =
                            byUtterance[m].GetValueOrDefault((p.Speaker, p.Path))
                            ?? throw new ArgumentException(
                                $"{runs[m].Name}: fold {key} has no prediction for {p.Path}"
                            );
                        if (match.Probabilities.Length != labels.Count || match.Truth != p.Truth)
                            throw new ArgumentException(
                                $"{runs[m].Name}: fold {key} disagrees with {first.Name} on the labels of {p.Path}"
                            );
                        for (int c = 0; c < labels.Count; c++)
                            probabilities[c] += match.Probabilities[c] / runs.Count;
                    }
                    return p with
                    {
                        Predicted = Training.Predictor.ArgMax(probabilities),
                        Probabilities = probabilities,
                    };
                })
                .ToList();
            foreach (var (member, m) in members.Select((f, m) => (f, m)))
                if (member.Predictions.Count != predictions.Count)
                    throw new ArgumentException(
                        $"{runs[m].Name}: fold {key} has {member.Predictions.Count} predictions, {first.Name} has "
                            + $"{predictions.Count}"
                    );
            var metrics = ClassificationMetrics.From(labels, predictions.Select(p => (p.Truth, p.Predicted)));
            combined.Add(
                new FoldResult(
                    fold.Speakers,
                    fold.ValidationSpeakers,
                    metrics.Confusion,
                    members.Max(f => f.Epochs),
                    0,
                    $"ensemble of {runs.Count} runs, each early-stopped or fixed on its own",
                    members.Sum(f => f.Seconds),
                    [],
                    predictions,
                    Device: string.Join(" + ", members.Select(f => f.Device ?? "not recorded").Distinct())
                )
            );
        }
        foreach (var extra in runs.Where(r => r.Folds.Count != first.Folds.Count))
            throw new ArgumentException(
                $"{extra.Name}: has {extra.Folds.Count} folds, {first.Name} has {first.Folds.Count}"
            );
        return combined;
    }
}
