using System.Text.RegularExpressions;

namespace SpeechEmotion.Corpora;

/// <summary>
/// IEMOCAP release layout: Session1..5/dialog/EmoEvaluation/*.txt hold lines
/// "[start - end]\tSes01F_impro01_F000\tneu\t[v, a, d]"; audio is
/// Session*/sentences/wav/&lt;dialog&gt;/&lt;utterance&gt;.wav.
/// The standard 4-class set: neutral, anger, happiness (excited merged in unless told not to), sadness; other labels
/// (frustration, surprise, xxx, ...) are left out by design, not reported as problems. Speaker = session + the gender
/// letter of the utterance's speaker (e.g. Ses01F), so each session gives two speakers.
/// </summary>
public static partial class IemocapCorpus
{
    public static readonly IReadOnlyList<string> Labels = ["neutral", "anger", "happiness", "sadness"];

    public static Corpus Load(string root, bool improvisedOnly = false, bool mergeExcited = true, bool strict = false)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"{root}: IEMOCAP folder not found");
        var sessions = Directory.EnumerateDirectories(root, "Session*").Order(StringComparer.Ordinal).ToList();
        if (sessions.Count == 0)
            throw new DirectoryNotFoundException($"{root}: no Session1..5 folders (IEMOCAP release layout expected)");
        var builder = new CorpusBuilder(strict);
        foreach (var session in sessions)
        {
            string evalDir = Path.Combine(session, "dialog", "EmoEvaluation");
            if (!Directory.Exists(evalDir))
            {
                builder.Problem(evalDir, "missing dialog/EmoEvaluation folder");
                continue;
            }
            foreach (var evalFile in Directory.EnumerateFiles(evalDir, "*.txt").Order(StringComparer.Ordinal))
                ReadEvaluation(session, evalFile, improvisedOnly, mergeExcited, builder);
        }
        return new Corpus("iemocap", root, Labels, builder.Utterances, builder.Problems);
    }

    private static void ReadEvaluation(
        string session,
        string evalFile,
        bool improvisedOnly,
        bool mergeExcited,
        CorpusBuilder builder
    )
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(evalFile);
        }
        catch (IOException e)
        {
            builder.Problem(evalFile, $"unreadable: {e.Message}");
            return;
        }
        foreach (var line in lines)
        {
            var m = SummaryLine().Match(line);
            if (!m.Success)
                continue;
            string id = m.Groups["id"].Value,
                code = m.Groups["label"].Value;
            string dialog = id[..id.LastIndexOf('_')];
            if (improvisedOnly && !dialog.Contains("impro", StringComparison.Ordinal))
                continue;
            string? label = code switch
            {
                "neu" => "neutral",
                "ang" => "anger",
                "hap" => "happiness",
                "exc" when mergeExcited => "happiness",
                "sad" => "sadness",
                _ => null,
            };
            if (label is null)
                continue;
            char gender = id[id.LastIndexOf('_') + 1];
            string speaker = id[..5] + gender;
            builder.Add(new Utterance(Path.Combine(session, "sentences", "wav", dialog, id + ".wav"), label, speaker));
        }
    }

    [GeneratedRegex(@"^\[\s*[\d.]+\s*-\s*[\d.]+\s*\]\s+(?<id>Ses\d\d[FM]_\S+_[FM]\d+)\s+(?<label>\w+)\s+\[")]
    private static partial Regex SummaryLine();
}
