// Usage: RecognizeEmotion MODEL.ser FILE.wav
// Recognises one file, then the same audio as a live stream fed in 100 ms chunks, then as segments of a recording.
using SpeechEmotion;
using SpeechEmotion.Audio;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: RecognizeEmotion MODEL.ser FILE.wav");
    return 2;
}
using var recognizer = EmotionRecognizer.FromFile(args[0]);
Console.WriteLine($"model {recognizer.ModelName} on {recognizer.Device}: {string.Join(", ", recognizer.Labels)}");

// A speaker-normalised model needs the speaker's statistics; here the file itself supplies them.
SpeakerContext? speaker = null;
if (recognizer.NeedsSpeakerContext)
{
    speaker = recognizer.CreateSpeakerContext();
    speaker.AddFile(args[1]);
}

var result = recognizer.Recognize(args[1], speaker);
Console.WriteLine($"file: {result.Label} ({result.Confidence:P1}) over {result.Duration.TotalSeconds:F2} s");

// Live audio: push chunks as a microphone would deliver them; segments come back as they close.
float[] samples = WavReader.ReadMono16k(args[1]);
var stream = recognizer.CreateStream(speaker: speaker);
for (int i = 0; i < samples.Length; i += 1600)
    foreach (var segment in stream.AcceptWaveform(samples.AsSpan(i, Math.Min(1600, samples.Length - i)), 16000))
        Console.WriteLine($"live: {segment.Start.TotalSeconds:F2}-{segment.End.TotalSeconds:F2} s {segment.Label}");
foreach (var segment in stream.Flush())
    Console.WriteLine($"live: {segment.Start.TotalSeconds:F2}-{segment.End.TotalSeconds:F2} s {segment.Label}");

// A long recording: read a second at a time, one segment per stretch of speech.
await foreach (var segment in recognizer.RecognizeSegmentsAsync(args[1], speaker: speaker))
    Console.WriteLine(
        $"segment: {segment.Start.TotalSeconds:F2}-{segment.End.TotalSeconds:F2} s "
            + $"{segment.Label} ({segment.Result.Confidence:P1})"
    );
return 0;
