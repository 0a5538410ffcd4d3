using System.Text.Json.Nodes;

namespace SpeechEmotion.Training;

/// <summary>
/// Which weights a run ends with, never chosen on test data: with AverageLast = K the mean of the weights after each
/// of the last K epochs (stochastic weight averaging, Izmailov et al. 2018; validation speakers, if any, are only
/// reported), otherwise the epoch with the best validation score (early stopping), otherwise the last epoch. Its state
/// travels in checkpoints, so a resumed run ends with the same choice.
/// </summary>
internal sealed class WeightSelection(int epochs, int averageLast)
{
    private float[]? best,
        average;
    private int averaged;

    /// <summary>0-based epoch with the best validation score so far, −1 before any (and when averaging).</summary>
    public int BestEpoch { get; private set; } = -1;
    public double BestScore { get; private set; } = double.NegativeInfinity;

    private bool Averaging => averageLast > 0;
    private int FirstAveraged => epochs - averageLast;

    /// <summary>Epoch (0-based) finished with this validation score (null without validation speakers).</summary>
    public void EpochDone(int epoch, double? score, Func<float[]> weights)
    {
        if (Averaging)
        {
            if (epoch < FirstAveraged)
                return;
            var w = weights();
            averaged++;
            if (average is null)
                average = w;
            // Running mean: a_k = a_{k−1} + (w − a_{k−1}) / k.
            else
                for (int i = 0; i < w.Length; i++)
                    average[i] += (w[i] - average[i]) / averaged;
        }
        else if (score > BestScore)
            (BestScore, BestEpoch, best) = (score.Value, epoch, weights());
    }

    /// <summary>The weights to keep, or null for the current (last) ones.</summary>
    public float[]? Weights => average ?? best;

    /// <summary>1-based epoch the kept weights stand for (the last averaged one when averaging).</summary>
    public int SelectedEpoch(int finishedEpochs) => Averaging || BestEpoch < 0 ? finishedEpochs : BestEpoch + 1;

    public string Describe(int finishedEpochs, string scoreName) =>
        Averaging
            ? $"weight average of the last {averaged} epochs ({FirstAveraged + 1}–{finishedEpochs}); validation "
                + $"speakers, if any, are not used for selection"
        : BestEpoch >= 0
            ? $"early stopping: epoch {BestEpoch + 1} had the best validation {scoreName} on held-out training speakers"
        : $"fixed epochs: the weights after epoch {finishedEpochs} (no validation speakers)";

    public void Save(JsonObject state, List<(string, float[])> tensors)
    {
        state["best_epoch"] = BestEpoch;
        state["best_ua"] = double.IsFinite(BestScore) ? BestScore : null;
        state["averaged"] = averaged;
        if (best is not null)
            tensors.Add(("best", best));
        if (average is not null)
            tensors.Add(("average", average));
    }

    public void Restore(JsonObject state, IReadOnlyDictionary<string, float[]> tensors)
    {
        BestEpoch = state["best_epoch"]!.GetValue<int>();
        BestScore = state["best_ua"]?.GetValue<double>() ?? double.NegativeInfinity;
        averaged = state["averaged"]?.GetValue<int>() ?? 0;
        best = tensors.TryGetValue("best", out var b) ? b : null;
        average = tensors.TryGetValue("average", out var a) ? a : null;
    }
}
