namespace SpeechEmotion.Corpora;

/// <summary>
/// How `ser predict` decides which files share a speaker, for models trained with speaker normalisation (each
/// speaker's features standardised with that speaker's own statistics, so prediction needs them too).
/// </summary>
public enum SpeakerGrouping
{
    /// <summary>Files in the same folder are one speaker (the default).</summary>
    Folder,

    /// <summary>Emo-DB file names: the two-digit speaker number at the start (03a01Wa.wav → 03).</summary>
    EmoDb,

    /// <summary>All files given are one speaker.</summary>
    All,

    /// <summary>Each file alone: statistics from one utterance, which differ from training's.</summary>
    File,
}

public static class SpeakerGroups
{
    /// <summary>The speaker key of a file; ArgumentException when the rule does not apply to its name.</summary>
    public static string Key(SpeakerGrouping grouping, string path) =>
        grouping switch
        {
            SpeakerGrouping.Folder => Path.GetDirectoryName(Path.GetFullPath(path)) ?? "",
            SpeakerGrouping.EmoDb => EmoDbCorpus.SpeakerOf(Path.GetFileNameWithoutExtension(path))
                ?? throw new ArgumentException(
                    "name does not start with an Emo-DB speaker number "
                        + "(two digits); choose another setting SpeakerGrouping"
                ),
            SpeakerGrouping.All => "all",
            SpeakerGrouping.File => Path.GetFullPath(path),
            _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
        };

    /// <summary>Below this much audio per speaker the statistics are noisy (Emo-DB speakers have 30–70 utterances, 2–3
    /// minutes).</summary>
    public const double MinSeconds = 30;
}
