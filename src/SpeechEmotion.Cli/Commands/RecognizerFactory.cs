namespace SpeechEmotion.Cli.Commands;

/// <summary>Opens a recognizer for a command: the GPU devices registered, a fallback to the CPU said on
/// stderr.</summary>
internal static class RecognizerFactory
{
    public static EmotionRecognizer Open(string modelPath, string device)
    {
        Kernels.Backends.Resolve(device); // an unknown name is a usage error, not a fallback
        Kernels.Backends.Register();
        var recognizer = EmotionRecognizer.FromFile(modelPath, new RecognizerOptions { Device = device });
        if (recognizer.DeviceFallback is { } why) Console.Error.WriteLine($"warning: {why}; running on the CPU");
        return recognizer;
    }
}
