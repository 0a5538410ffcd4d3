using System.Numerics;

namespace SpeechEmotion.Features;

/// <summary>
/// How an STFT cuts 16 kHz audio into frames: a periodic Hann window (as torch.hann_window), a hop, a zero-padded DFT.
/// Frames: 1 + floor((samples − window) / hop) for clips of at least one window (trailing samples that do not fill a
/// hop are dropped, as torch.stft with center=false does); a shorter clip is zero-padded to one frame.
/// </summary>
internal sealed class StftFraming
{
    /// <summary>The paper's 40 ms window, 10 ms hop, 1600-point DFT (bins 10 Hz apart).</summary>
    public static readonly StftFraming Paper = new(Spectrogram.WindowLength, Spectrogram.Hop, Spectrogram.FftSize);

    /// <summary>The classic speech front end: 25 ms window, 10 ms hop, 512-point DFT (bins 31.25 Hz apart).</summary>
    public static readonly StftFraming Short = new(400, 160, 512);

    private readonly RealFft _fft;

    private StftFraming(int windowLength, int hop, int fftSize)
    {
        (WindowLength, Hop, FftSize) = (windowLength, hop, fftSize);
        Window = Enumerable
            .Range(0, windowLength)
            .Select(n => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / windowLength))
            .ToArray();
        _fft = new RealFft(fftSize);
    }

    public int WindowLength { get; }
    public int Hop { get; }
    public int FftSize { get; }
    public double[] Window { get; }

    /// <summary>Bins 0..FftSize/2: 0 Hz to the Nyquist frequency.</summary>
    public int OneSidedBins => FftSize / 2 + 1;

    public int FrameCount(int samples) => samples <= WindowLength ? 1 : 1 + (samples - WindowLength) / Hop;

    /// <summary>Power |X_k|² of bins 0..<paramref name="powerBins"/>−1 of every frame, turned into a row of
    /// <paramref name="width"/> values by <paramref name="map"/> (frames in parallel, each with its own buffers).
    /// The transform runs in double.</summary>
    public T[] Frames<T>(ReadOnlySpan<float> samples, int width, int powerBins, FrameMap<T> map)
    {
        if (samples.IsEmpty)
            throw new ArgumentException("cannot compute a spectrogram of zero samples", nameof(samples));
        int frames = FrameCount(samples.Length);
        var output = new T[frames * width];
        var padded = samples.Length >= WindowLength ? samples.ToArray() : PadToWindow(samples);
        Parallel.For(
            0,
            frames,
            () => new FrameBuffers(FftSize, powerBins),
            (f, _, buffers) =>
            {
                var (frame, spectrum, power) = (buffers.Frame, buffers.Spectrum, buffers.Power);
                for (int n = 0; n < WindowLength; n++)
                    frame[n] = padded[f * Hop + n] * Window[n]; // the rest stays zero
                _fft.Forward(frame, spectrum, buffers.Packed, buffers.Work);
                for (int k = 0; k < powerBins; k++)
                    power[k] = spectrum[k].Real * spectrum[k].Real + spectrum[k].Imaginary * spectrum[k].Imaginary;
                map(power, output.AsSpan(f * width, width));
                return buffers;
            },
            _ => { }
        );
        return output;
    }

    internal delegate void FrameMap<T>(ReadOnlySpan<double> power, Span<T> row);

    /// <summary>One worker's buffers: the zero-padded frame, its half spectrum, FFT scratch, the power row.</summary>
    private sealed class FrameBuffers(int fftSize, int powerBins)
    {
        public readonly double[] Frame = new double[fftSize];
        public readonly Complex[] Spectrum = new Complex[fftSize / 2 + 1];
        public readonly Complex[] Packed = new Complex[fftSize / 2],
            Work = new Complex[fftSize / 2];
        public readonly double[] Power = new double[powerBins];
    }

    private float[] PadToWindow(ReadOnlySpan<float> samples)
    {
        var padded = new float[WindowLength];
        samples.CopyTo(padded);
        return padded;
    }
}
