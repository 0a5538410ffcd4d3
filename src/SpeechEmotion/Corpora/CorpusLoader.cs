namespace SpeechEmotion.Corpora;

/// <summary>Picks the loader for a path: a .csv file is a manifest, a folder with Session* is IEMOCAP, else
/// Emo-DB.</summary>
public static class CorpusLoader
{
    public static CorpusFormat Detect(string path) =>
        File.Exists(path) && path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? CorpusFormat.Csv
        : Directory.Exists(path) && Directory.EnumerateDirectories(path, "Session*").Any() ? CorpusFormat.Iemocap
        : CorpusFormat.EmoDb;

    public static Corpus Load(
        string path,
        CorpusFormat? format = null,
        bool strict = false,
        bool improvisedOnly = false
    ) =>
        (format ?? Detect(path)) switch
        {
            CorpusFormat.Csv => CsvCorpus.Load(path, strict: strict),
            CorpusFormat.Iemocap => IemocapCorpus.Load(path, improvisedOnly, strict: strict),
            _ => EmoDbCorpus.Load(path, strict),
        };
}
