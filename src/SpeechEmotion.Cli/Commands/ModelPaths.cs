using SpeechEmotion.Data;

namespace SpeechEmotion.Cli.Commands;

/// <summary>Where commands find a model when none is given.</summary>
internal static class ModelPaths
{
    public static string Default()
    {
        string path = Path.Combine(DataPaths.RepositoryRoot() ?? ".", "models", "emodb.ser");
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"no --model given and the default {path} does not exist");
    }
}
