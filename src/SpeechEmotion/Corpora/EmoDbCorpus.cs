namespace SpeechEmotion.Corpora;

/// <summary>
/// Berlin Emo-DB: file names SSTTTEV.wav give speaker (SS), text (TTT), emotion letter (E) and version (V).
/// Accepts the folder itself or one holding a wav/ subfolder.
/// </summary>
public static class EmoDbCorpus
{
    /// <summary>German initials → emotion names, in the order used for class indices.</summary>
    public static readonly IReadOnlyList<(char Code, string Label)> Emotions =
    [
        ('W', "anger"),
        ('L', "boredom"),
        ('E', "disgust"),
        ('A', "fear"),
        ('F', "happiness"),
        ('T', "sadness"),
        ('N', "neutral"),
    ];

    public static Corpus Load(string root, bool strict = false)
    {
        string dir = Directory.Exists(Path.Combine(root, "wav")) ? Path.Combine(root, "wav") : root;
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"{root}: Emo-DB folder not found");
        var builder = new CorpusBuilder(strict);
        foreach (
            var path in Directory
                .EnumerateFiles(dir)
                .Where(p => p.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
        )
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (name.Length < 6 || SpeakerOf(name) is not { } speaker)
            {
                builder.Problem(
                    path,
                    "name does not follow the Emo-DB pattern SSTTTEV (speaker, text, emotion, version)"
                );
                continue;
            }
            char code = name[5];
            int index = Emotions.ToList().FindIndex(e => e.Code == code);
            if (index < 0)
            {
                builder.Problem(
                    path,
                    $"unknown emotion letter '{code}' (expected one of {string.Concat(Emotions.Select(e => e.Code))})"
                );
                continue;
            }
            builder.Add(new Utterance(path, Emotions[index].Label, speaker));
        }
        return new Corpus("emodb", root, Emotions.Select(e => e.Label).ToList(), builder.Utterances, builder.Problems);
    }

    /// <summary>The speaker number that starts an Emo-DB file name (03a01Wa → 03), or null.</summary>
    public static string? SpeakerOf(string name) =>
        name.Length >= 2 && char.IsAsciiDigit(name[0]) && char.IsAsciiDigit(name[1]) ? name[..2] : null;
}
