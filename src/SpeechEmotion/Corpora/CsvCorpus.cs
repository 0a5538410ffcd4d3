namespace SpeechEmotion.Corpora;

/// <summary>
/// A CSV manifest "path,label,speaker[,split]" (a header row with those names is optional; paths are relative to the
/// CSV). Fields may be double-quoted. Labels are ordered by first appearance among the rows whose file exists (so a
/// stray header or a missing file cannot invent a class) unless a label list is given; a label outside that list is
/// reported as a problem. A path listed twice is reported and its later rows skipped; a path listed under two
/// speakers is an error, since it would sit on both sides of a speaker-grouped split.
/// </summary>
public static class CsvCorpus
{
    public static Corpus Load(string csvPath, IReadOnlyList<string>? labels = null, bool strict = false)
    {
        if (!File.Exists(csvPath))
            throw new FileNotFoundException($"{csvPath}: manifest not found", csvPath);
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(csvPath))!;
        var builder = new CorpusBuilder(strict);
        var seen = labels?.ToList() ?? [];
        var rows = new Dictionary<string, (int Line, string Speaker)>();
        var lines = File.ReadAllLines(csvPath);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
                continue;
            var fields = SplitLine(lines[i]);
            if (i == 0 && fields[0].Equals("path", StringComparison.OrdinalIgnoreCase))
                continue;
            string where = $"{csvPath}:{i + 1}";
            if (fields.Count is < 3 or > 4 || fields.Take(3).Any(string.IsNullOrWhiteSpace))
            {
                builder.Problem(where, "expected path,label,speaker[,split]");
                continue;
            }
            string path = Path.GetFullPath(Path.Combine(baseDir, fields[0]));
            string label = fields[1],
                speaker = fields[2];
            if (rows.TryGetValue(path, out var first))
            {
                if (first.Speaker != speaker)
                    throw new InvalidDataException(
                        $"{path} is listed under speaker '{first.Speaker}' (line {first.Line}) "
                            + $"and '{speaker}' (line {i + 1}): it would leak across speaker-grouped folds"
                    );
                builder.Problem(path, $"listed twice (lines {first.Line} and {i + 1}); the later row is skipped");
                continue;
            }
            rows[path] = (i + 1, speaker);
            if (labels is not null && !seen.Contains(label))
            {
                builder.Problem(path, $"unknown label '{label}' (line {i + 1})");
                continue;
            }
            if (
                builder.Add(
                    new Utterance(path, label, speaker, fields.Count == 4 && fields[3].Length > 0 ? fields[3] : null)
                ) && !seen.Contains(label)
            )
                seen.Add(label);
        }
        // A corpus's manifest.csv is named after its folder (ased/manifest.csv: "ased").
        string name = Path.GetFileNameWithoutExtension(csvPath);
        if (name.Equals("manifest", StringComparison.OrdinalIgnoreCase))
            name = Path.GetFileName(baseDir);
        return new Corpus(name, baseDir, seen, builder.Utterances, builder.Problems);
    }

    /// <summary>RFC 4180 fields of one line (no embedded newlines).</summary>
    internal static List<string> SplitLine(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString().Trim());
        return fields;
    }
}
