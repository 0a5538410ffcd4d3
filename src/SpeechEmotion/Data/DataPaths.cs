namespace SpeechEmotion.Data;

/// <summary>
/// Where shared corpora live: env SER_DATA, else ../shared/data beside the repository (found by walking up from the
/// program to SpeechEmotion.Native.sln), else ../shared/data from the working directory.
/// </summary>
public static class DataPaths
{
    public const string EnvironmentVariable = "SER_DATA";

    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env))
                return Path.GetFullPath(env);
            var repo = RepositoryRoot();
            return Path.GetFullPath(Path.Combine(repo ?? Directory.GetCurrentDirectory(), "..", "shared", "data"));
        }
    }

    public static string EmoDb => Path.Combine(Root, "emodb");

    /// <summary>The folder holding SpeechEmotion.Native.sln above the running program or the working
    /// directory.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SpeechEmotion.Native.sln")))
                    return dir.FullName;
        }
        return null;
    }
}
