using System.Buffers.Binary;
using System.CommandLine;
using SpeechEmotion.Audio;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// `ser stream [--raw --rate 16000] [--json]`: live recognition from standard input, a WAV stream or raw 16-bit
/// little-endian mono PCM; each speech segment is printed as soon as it closes, so
/// `arecord -f S16_LE -r 16000 -c 1 | ser stream --raw` works.
/// </summary>
internal static class StreamCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m")
        {
            Description = "Model file (default: models/default.ser of this repository, else the built-in copy)",
        };
        var raw = new Option<bool>("--raw")
        {
            Description = "Standard input is raw signed 16-bit little-endian mono PCM, not WAV",
        };
        var rate = new Option<int>("--rate")
        {
            Description = "Sample rate of --raw input (Hz)",
            DefaultValueFactory = _ => 16000,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per segment" };
        var maxSeconds = new Option<double>("--max-seconds")
        {
            Description = "Longest segment (s)",
            DefaultValueFactory = _ => 10,
        };
        var device = DeviceOption.Create();
        var command = new Command("stream", "Recognise live audio from standard input, one line per speech segment")
        {
            model,
            raw,
            rate,
            json,
            maxSeconds,
            device,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
                Run(
                    r.GetValue(model) ?? ModelPaths.Default(),
                    r.GetValue(raw),
                    r.GetValue(rate),
                    r.GetValue(json),
                    r.GetValue(maxSeconds),
                    r.GetValue(device)!
                )
            )
        );
        return command;
    }

    private static int Run(string? modelPath, bool raw, int rate, bool json, double maxSeconds, string device)
    {
        if (raw && rate is < WavReader.MinSampleRate or > WavReader.MaxSampleRate)
            throw new ArgumentException(
                $"--rate {rate} is outside {WavReader.MinSampleRate}..{WavReader.MaxSampleRate} Hz"
            );
        using var recognizer = RecognizerFactory.Open(modelPath, device);
        recognizer.WarmUp(); // before any audio: the first segments must not wait for the JIT
        var output = new ResultPrinter(recognizer, modelPath, json);
        var stream = recognizer.CreateStream(new SegmentOptions { MaxSegmentSeconds = maxSeconds });
        using var input = Console.OpenStandardInput();
        try
        {
            foreach (var (chunk, chunkRate) in raw ? Raw(input, rate) : Wav(input))
            foreach (var segment in stream.AcceptWaveform(chunk, chunkRate))
                output.Segment(segment);
        }
        catch (AudioFormatException e)
        {
            output.Error("stdin", e.Reason);
            foreach (var segment in stream.Flush())
                output.Segment(segment);
            return 1;
        }
        foreach (var segment in stream.Flush())
            output.Segment(segment);
        return 0;
    }

    /// <summary>Chunks as the pipe delivers them (at least one sample, at most 100 ms at 16 kHz).</summary>
    private static IEnumerable<(float[], int)> Raw(Stream input, int rate)
    {
        var bytes = new byte[3200];
        int carry = 0,
            n;
        while ((n = input.Read(bytes, carry, bytes.Length - carry)) > 0)
        {
            int have = carry + n,
                samples = have / 2;
            var chunk = new float[samples];
            for (int i = 0; i < samples; i++)
                chunk[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(2 * i)) / 32768f;
            carry = have - 2 * samples;
            if (carry > 0)
                bytes[0] = bytes[have - 1];
            if (samples > 0)
                yield return (chunk, rate);
        }
    }

    private static IEnumerable<(float[], int)> Wav(Stream input)
    {
        using var decoder = new WavDecoder(input, "stdin", leaveOpen: true);
        var chunk = new float[1600];
        int n;
        while ((n = decoder.Read(chunk)) > 0)
            yield return (chunk[..n], decoder.Info.SampleRate);
    }
}
