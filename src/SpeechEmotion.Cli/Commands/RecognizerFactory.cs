using SpeechEmotion.Engine;

namespace SpeechEmotion.Cli.Commands;

/// <summary>Opens a recognizer for a command: an unknown device refused, a fallback to the CPU said on
/// stderr.</summary>
internal static class RecognizerFactory
{
    /// <summary>A model file, or with no path the model built into the library.</summary>
    public static EmotionRecognizer Open(string? modelPath, string device)
    {
        Devices.Check(device); // an unknown name is a usage error, not a fallback
        var options = new RecognizerOptions { Device = device };
        var recognizer = modelPath is null
            ? EmotionRecognizer.FromDefaultModel(options)
            : EmotionRecognizer.FromFile(modelPath, options);
        if (recognizer.DeviceFallback is { } why)
            Console.Error.WriteLine($"warning: {why}; running on the CPU");
        return recognizer;
    }
}
