namespace SpeechEmotion.Audio;

/// <summary>A WAV decoder followed by the resampler: reads 16 kHz mono samples chunk by chunk, in bounded
/// memory.</summary>
public sealed class Mono16kReader : IDisposable
{
    private readonly WavDecoder _decoder;
    private readonly Resampler _resampler;
    private readonly float[] _native = new float[8192];
    private float[] _pending = [];
    private int _pendingStart;
    private bool _finished;

    public Mono16kReader(WavDecoder decoder)
    {
        _decoder = decoder;
        _resampler = new Resampler(decoder.Info.SampleRate);
    }

    /// <summary>Opens a regular WAV file (see <see cref="SafeFile"/>).</summary>
    public static Mono16kReader Open(string path) => new(new WavDecoder(SafeFile.OpenRegular(path), path));

    public WavInfo Info => _decoder.Info;

    /// <summary>Fills up to output.Length samples at 16 kHz; 0 at the end.</summary>
    public int Read(Span<float> output)
    {
        int written = 0;
        while (written < output.Length)
        {
            if (_pendingStart < _pending.Length)
            {
                int n = Math.Min(output.Length - written, _pending.Length - _pendingStart);
                _pending.AsSpan(_pendingStart, n).CopyTo(output[written..]);
                _pendingStart += n;
                written += n;
                continue;
            }
            if (_finished)
                break;
            int frames = _decoder.Read(_native);
            _pending =
                frames > 0 ? _resampler.Push(_native.AsSpan(0, frames)).ToArray() : _resampler.Finish().ToArray();
            _pendingStart = 0;
            _finished = frames == 0;
        }
        return written;
    }

    /// <summary>All remaining samples.</summary>
    public float[] ReadToEnd()
    {
        var all = new List<float>();
        var chunk = new float[16384];
        int n;
        while ((n = Read(chunk)) > 0)
            all.AddRange(chunk.AsSpan(0, n));
        return all.ToArray();
    }

    public void Dispose() => _decoder.Dispose();
}
