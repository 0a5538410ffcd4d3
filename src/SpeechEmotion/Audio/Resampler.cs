using NAudio.Dsp;

namespace SpeechEmotion.Audio;

/// <summary>
/// Input-driven band-limited resampling of a mono stream to 16 kHz (NAudio's port of Cockos WDL, sinc filter): push
/// chunks as they arrive, read what came out. <see cref="Finish"/> drains the filter so a whole signal of n samples
/// at rate r becomes round(n·16000/r) samples, as a file read in one piece would.
/// </summary>
public sealed class Resampler
{
    private readonly WdlResampler _wdl = new();
    private readonly double _ratio;
    private long _in,
        _fed,
        _out; // real inputs, inputs with the closing zeros, outputs
    private float[] _output = new float[4096];

    public Resampler(int sampleRate)
    {
        if (sampleRate is < WavReader.MinSampleRate or > WavReader.MaxSampleRate)
            throw new ArgumentOutOfRangeException(
                nameof(sampleRate),
                sampleRate,
                $"sample rate must be {WavReader.MinSampleRate}..{WavReader.MaxSampleRate} Hz"
            );
        SampleRate = sampleRate;
        _ratio = (double)WavReader.TargetSampleRate / sampleRate;
        _wdl.SetMode(true, 2, false);
        _wdl.SetFilterParms();
        _wdl.SetFeedMode(true);
        _wdl.SetRates(sampleRate, WavReader.TargetSampleRate);
    }

    public int SampleRate { get; }

    /// <summary>Resamples one chunk; the result is valid until the next call.</summary>
    public ReadOnlySpan<float> Push(ReadOnlySpan<float> input)
    {
        if (input.IsEmpty)
            return [];
        if (SampleRate == WavReader.TargetSampleRate)
            return input;
        // Ask for exactly the outputs these inputs complete: WDL would otherwise run ahead and drift per chunk.
        _in += input.Length;
        return Resample(input);
    }

    private ReadOnlySpan<float> Resample(ReadOnlySpan<float> input)
    {
        _fed += input.Length;
        int room = (int)(Math.Floor(_fed * _ratio) - _out);
        if (_output.Length < room)
            _output = new float[room];
        int need = _wdl.ResamplePrepare(input.Length, 1, out var inBuffer, out int inOffset);
        input[..need].CopyTo(inBuffer.AsSpan(inOffset));
        int produced = _wdl.ResampleOut(_output, 0, need, room, 1);
        _out += produced;
        return _output.AsSpan(0, produced);
    }

    /// <summary>The filter's tail: zeros are pushed until the output reaches round(inputs·ratio), then it is cut
    /// there.</summary>
    public ReadOnlySpan<float> Finish()
    {
        long expected = (long)Math.Round(_in * _ratio);
        if (SampleRate == WavReader.TargetSampleRate || _out >= expected)
            return [];
        var tail = new List<float>();
        var zeros = new float[256];
        // The filter's latency is a few hundred samples.
        for (int guard = 0; _out < expected && guard < 100_000; guard++)
        {
            var chunk = Resample(zeros);
            tail.AddRange(chunk[..(int)Math.Min(chunk.Length, expected - (_out - chunk.Length))]);
        }
        return tail.ToArray();
    }
}
