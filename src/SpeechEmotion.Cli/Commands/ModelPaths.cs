using SpeechEmotion.Data;

namespace SpeechEmotion.Cli.Commands;

/// <summary>Where commands find a model when none is given.</summary>
internal static class ModelPaths
{
    /// <summary>models/default.ser of this repository when the program runs from a clone; otherwise null: the model
    /// built into the library (the same file), as for an installed tool.</summary>
    public static string? Default()
    {
        string path = Path.Combine(DataPaths.RepositoryRoot() ?? ".", "models", "default.ser");
        return File.Exists(path) ? path : null;
    }
}
