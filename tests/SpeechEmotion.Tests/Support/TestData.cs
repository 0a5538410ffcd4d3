using SpeechEmotion.Data;

namespace SpeechEmotion.Tests.Support;

/// <summary>
/// Real-data access for tests: ignored with a message when the data folder is absent, a failure when
/// SER_REQUIRE_DATA=1.
/// </summary>
public static class TestData
{
    public static string EmoDbFolder()
    {
        string dir = DataPaths.EmoDb;
        if (Directory.Exists(Path.Combine(dir, "wav")))
            return dir;
        string message =
            $"Emo-DB not found at {dir} (set {DataPaths.EnvironmentVariable} to the folder holding emodb/)";
        Missing(message);
        return dir;
    }

    /// <summary>The manifest of a corpus in the shared data folder (ased, urdu), under the same rule as
    /// Emo-DB.</summary>
    public static string Manifest(string corpus)
    {
        string path = Path.Combine(DataPaths.Root, corpus, "manifest.csv");
        if (File.Exists(path))
            return path;
        string message =
            $"{corpus} not found at {path} (set {DataPaths.EnvironmentVariable} to the folder holding {corpus}/)";
        Missing(message);
        return path;
    }

    /// <summary>Ignores the test, or fails it when SER_REQUIRE_DATA=1 (CI), saying what is missing.</summary>
    private static void Missing(string message)
    {
        if (Environment.GetEnvironmentVariable("SER_REQUIRE_DATA") == "1")
            Assert.Fail(message + "; SER_REQUIRE_DATA=1 makes this a failure");
        Assert.Ignore(message);
    }

    public static string EmoDbWav(string name) => Path.Combine(EmoDbFolder(), "wav", name + ".wav");
}
