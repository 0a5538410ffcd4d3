using System.Text.Json.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>
/// The scores of a run or of one fold as report.json holds them: the classification keys, or for a regression run the
/// sentiment keys of the multimodal sentiment literature (MMSA); the other set is left out. Names are spelled out so
/// that the file format reads here and older reports stay readable.
/// </summary>
public record Scores
{
    [JsonPropertyName("ua")]
    public double? Ua { get; init; }

    [JsonPropertyName("wa")]
    public double? Wa { get; init; }

    [JsonPropertyName("macro_precision")]
    public double? MacroPrecision { get; init; }

    [JsonPropertyName("macro_recall")]
    public double? MacroRecall { get; init; }

    [JsonPropertyName("macro_f1")]
    public double? MacroF1 { get; init; }

    [JsonPropertyName("utterances")]
    public int? Utterances { get; init; }

    [JsonPropertyName("labels")]
    public string[]? Labels { get; init; }

    /// <summary>Null for a class absent from the truth.</summary>
    [JsonPropertyName("per_class_recall")]
    public double?[]? PerClassRecall { get; init; }

    /// <summary>Rows = true class, columns = predicted.</summary>
    [JsonPropertyName("confusion")]
    public int[][]? Confusion { get; init; }

    [JsonPropertyName("mae")]
    public double? Mae { get; init; }

    [JsonPropertyName("corr")]
    public double? Corr { get; init; }

    [JsonPropertyName("acc_2")]
    public double? Acc2 { get; init; }

    [JsonPropertyName("acc_2_nonzero")]
    public double? Acc2NonZero { get; init; }

    [JsonPropertyName("f1")]
    public double? F1 { get; init; }

    [JsonPropertyName("f1_nonzero")]
    public double? F1NonZero { get; init; }

    [JsonPropertyName("acc_5")]
    public double? Acc5 { get; init; }

    [JsonPropertyName("acc_7")]
    public double? Acc7 { get; init; }

    public static Scores Of(ClassificationMetrics m) =>
        new()
        {
            Ua = m.Ua,
            Wa = m.Wa,
            MacroPrecision = m.MacroPrecision,
            MacroRecall = m.MacroRecall,
            MacroF1 = m.MacroF1,
            Utterances = m.Total,
            Labels = [.. m.Labels],
            PerClassRecall = [.. m.PerClassRecall.Select(r => double.IsNaN(r) ? (double?)null : r)],
            Confusion = m.Confusion,
        };

    /// <summary>Undefined values (a correlation of constant predictions, no non-zero labels) are left out.</summary>
    public static Scores Of(SentimentMetrics m) =>
        new()
        {
            Mae = m.Mae,
            Corr = Finite(m.Corr),
            Acc2 = m.Acc2,
            Acc2NonZero = Finite(m.Acc2NonZero),
            F1 = m.F1,
            F1NonZero = Finite(m.F1NonZero),
            Acc5 = m.Acc5,
            Acc7 = m.Acc7,
        };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
