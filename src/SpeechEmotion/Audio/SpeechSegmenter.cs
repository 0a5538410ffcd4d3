namespace SpeechEmotion.Audio;

/// <summary>A stretch of speech: its first sample's offset in the stream (16 kHz) and its samples.</summary>
public sealed record SpeechRegion(long Start, float[] Samples)
{
    public long End => Start + Samples.Length;
}

/// <summary>
/// Energy-based voice activity detection over a 16 kHz stream pushed in chunks of any size (see
/// <see cref="SegmentOptions"/> for the rule and its thresholds). Regions are returned as soon as they close. Memory is
/// bounded by the longest segment plus one second, whatever the length of the stream.
/// </summary>
public sealed class SpeechSegmenter
{
    public const int FrameSamples = WavReader.TargetSampleRate / 100;
    private const int Slice = WavReader.TargetSampleRate; // input is taken a second at a time
    private readonly int _max,
        _minSpeechFrames,
        _silence,
        _pad,
        _noiseFrames;
    private readonly double _threshold,
        _floor;
    private readonly float[] _buffer;
    private readonly (long Frame, double Db)[] _deque; // ring buffer: the noise window's candidates for its minimum
    private int _dequeHead,
        _dequeCount,
        _count;
    private long _bufferStart,
        _position,
        _frame;
    private long _segStart = -1,
        _lastSpeechEnd,
        _lastEmittedEnd;
    private int _speechFrames;

    public SpeechSegmenter(SegmentOptions options)
    {
        options.Validate();
        int Samples(double seconds) => (int)Math.Round(seconds * WavReader.TargetSampleRate);
        _max = Samples(options.MaxSegmentSeconds);
        _minSpeechFrames = (int)Math.Ceiling(Samples(options.MinSpeechSeconds) / (double)FrameSamples);
        _silence = Samples(options.MinSilenceSeconds);
        _pad = Samples(options.PaddingSeconds);
        _noiseFrames = Math.Max(1, Samples(options.NoiseWindowSeconds) / FrameSamples);
        _threshold = options.ThresholdDb;
        _floor = options.FloorDbfs;
        _buffer = new float[_max + _pad + Slice + 2 * FrameSamples];
        _deque = new (long, double)[_noiseFrames + 1];
    }

    /// <summary>Samples pushed so far.</summary>
    public long Position => _bufferStart + _count;

    /// <summary>Takes more audio; returns the regions it closed (often none).</summary>
    public IReadOnlyList<SpeechRegion> Push(ReadOnlySpan<float> samples16k)
    {
        var closed = new List<SpeechRegion>();
        while (!samples16k.IsEmpty)
        {
            int n = Math.Min(Slice, samples16k.Length);
            samples16k[..n].CopyTo(_buffer.AsSpan(_count));
            _count += n;
            samples16k = samples16k[n..];
            while (_position + FrameSamples <= _bufferStart + _count)
                Frame(closed);
            Trim();
        }
        return closed;
    }

    /// <summary>Ends the stream: closes the open region, if any (a last partial 10 ms frame is not examined).</summary>
    public IReadOnlyList<SpeechRegion> Flush()
    {
        var closed = new List<SpeechRegion>();
        if (_segStart >= 0)
            Close(Math.Min(_lastSpeechEnd + _pad, _position), closed);
        return closed;
    }

    private void Frame(List<SpeechRegion> closed)
    {
        var frame = _buffer.AsSpan((int)(_position - _bufferStart), FrameSamples);
        double energy = 0;
        foreach (float v in frame)
            energy += (double)v * v;
        double db = 10 * Math.Log10(energy / FrameSamples + 1e-12);
        double noise = NoiseFloor(db);
        bool speech = db >= noise + _threshold && db >= _floor;
        long start = _position,
            end = _position + FrameSamples;
        _position = end;
        _frame++;
        if (_segStart < 0)
        {
            if (!speech)
                return;
            _segStart = Math.Max(Math.Max(start - _pad, _lastEmittedEnd), _bufferStart);
            _lastSpeechEnd = end;
            _speechFrames = 1;
            return;
        }
        if (speech)
        {
            _lastSpeechEnd = end;
            _speechFrames++;
        }
        if (end - _lastSpeechEnd >= _silence)
            Close(Math.Min(_lastSpeechEnd + _pad, end), closed);
        else if (end + FrameSamples - _segStart > _max)
        {
            // Cut a long stretch here and go on with a new segment at once.
            Close(end, closed);
            (_segStart, _lastSpeechEnd, _speechFrames) = (end, end, 0);
        }
    }

    /// <summary>Minimum of the trailing window by a monotonic deque: O(1) per frame.</summary>
    private double NoiseFloor(double db)
    {
        while (_dequeCount > 0 && _deque[(_dequeHead + _dequeCount - 1) % _deque.Length].Db >= db)
            _dequeCount--;
        _deque[(_dequeHead + _dequeCount) % _deque.Length] = (_frame, db);
        _dequeCount++;
        while (_deque[_dequeHead].Frame <= _frame - _noiseFrames)
        {
            _dequeHead = (_dequeHead + 1) % _deque.Length;
            _dequeCount--;
        }
        return _deque[_dequeHead].Db;
    }

    private void Close(long end, List<SpeechRegion> closed)
    {
        if (_speechFrames >= Math.Max(1, _minSpeechFrames) && end > _segStart)
            closed.Add(
                new SpeechRegion(
                    _segStart,
                    _buffer.AsSpan((int)(_segStart - _bufferStart), (int)(end - _segStart)).ToArray()
                )
            );
        _lastEmittedEnd = end;
        _segStart = -1;
    }

    /// <summary>Drops audio no region can need: all before the open region, or all but the padding when none is
    /// open.</summary>
    private void Trim()
    {
        long keep = _segStart >= 0 ? _segStart : Math.Max(_bufferStart, _position - _pad);
        int drop = (int)(keep - _bufferStart);
        if (drop <= 0)
            return;
        _buffer.AsSpan(drop, _count - drop).CopyTo(_buffer);
        _count -= drop;
        _bufferStart = keep;
    }
}
