using SpeechEmotion.Data;

namespace SpeechEmotion.Tests.Support;

/// <summary>
/// Real-data access for tests: ignored with a message when the data folder is absent, a failure when SER_REQUIRE_DATA=1.
/// </summary>
public static class TestData
{
    public static string EmoDbFolder()
    {
        string dir = DataPaths.EmoDb;
        if (Directory.Exists(Path.Combine(dir, "wav"))) return dir;
        string message = $"Emo-DB not found at {dir} (set {DataPaths.EnvironmentVariable} to the folder holding emodb/)";
        if (Environment.GetEnvironmentVariable("SER_REQUIRE_DATA") == "1") Assert.Fail(message + "; SER_REQUIRE_DATA=1 makes this a failure");
        Assert.Ignore(message);
        return dir;
    }

    public static string EmoDbWav(string name) => Path.Combine(EmoDbFolder(), "wav", name + ".wav");
}
