using System.Numerics;

namespace SpeechEmotion.Features;

/// <summary>
/// The paper's input (§3.1): log power spectrogram of 16 kHz audio. 40 ms Hann window (640 samples), 10 ms hop (160),
/// zero-padded 1600-point DFT so bins are 10 Hz apart, bins 0..399 kept (0–3990 Hz), value log(|X|² + ε).
/// Frames: 1 + floor((samples − 640) / 160) for clips of at least one window (trailing samples that do not fill a
/// whole hop are dropped, as torch.stft with center=false does); a shorter clip is zero-padded to one frame.
/// ε = 1e-10: below the 16-bit quantisation floor (≈ 2e-8 per bin for a full-scale-normalised signal and this window),
/// so it changes nothing audible and only keeps digital silence finite (log ε ≈ −23) instead of −∞.
/// </summary>
public static class Spectrogram
{
    public const int SampleRate = 16000;
    public const int WindowLength = 640;
    public const int Hop = 160;
    public const int FftSize = 1600;
    public const int Bins = 400;
    /// <summary>Bins 0..800 of the 1600-point DFT: 0 Hz to the Nyquist frequency (8 kHz).</summary>
    public const int OneSidedBins = FftSize / 2 + 1;
    public const double Epsilon = 1e-10;

    /// <summary>Periodic Hann window, w[n] = 0.5 − 0.5 cos(2πn/640), as torch.hann_window.</summary>
    public static readonly double[] Window = Enumerable.Range(0, WindowLength)
        .Select(n => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / WindowLength)).ToArray();

    public static int FrameCount(int samples) => samples <= WindowLength ? 1 : 1 + (samples - WindowLength) / Hop;

    /// <summary>Row-major [frames, 400]. The transform runs in double whatever <typeparamref name="T"/> is.</summary>
    public static T[] Compute<T>(ReadOnlySpan<float> samples) where T : IFloatingPoint<T> =>
        Frames<T>(samples, Bins, Bins, (power, row) =>
        {
            for (int k = 0; k < Bins; k++) row[k] = T.CreateChecked(Math.Log(power[k] + Epsilon));
        });

    /// <summary>Power |X_k|² of bins 0..<paramref name="powerBins"/>−1 of every frame, turned into a row of
    /// <paramref name="width"/> values by <paramref name="map"/> (frames in parallel, each with its own
    /// buffers).</summary>
    internal static T[] Frames<T>(ReadOnlySpan<float> samples, int width, int powerBins, FrameMap<T> map)
    {
        if (samples.IsEmpty) throw new ArgumentException("cannot compute a spectrogram of zero samples",
            nameof(samples));
        int frames = FrameCount(samples.Length);
        var output = new T[frames * width];
        var padded = samples.Length >= WindowLength ? samples.ToArray() : PadToWindow(samples);
        Parallel.For(0, frames, () => new FrameBuffers(powerBins), (f, _, buffers) =>
        {
            var (frame, spectrum, power) = (buffers.Frame, buffers.Spectrum, buffers.Power);
            for (int n = 0; n < WindowLength; n++) frame[n] = padded[f * Hop + n] * Window[n]; // the rest stays zero
            Fft.Forward(frame, spectrum, buffers.Packed, buffers.Work);
            for (int k = 0; k < powerBins; k++) power[k] = spectrum[k].Real * spectrum[k].Real
                + spectrum[k].Imaginary * spectrum[k].Imaginary;
            map(power, output.AsSpan(f * width, width));
            return buffers;
        }, _ => { });
        return output;
    }

    internal delegate void FrameMap<T>(ReadOnlySpan<double> power, Span<T> row);

    private static readonly RealFft Fft = new(FftSize);

    /// <summary>One worker's buffers: the zero-padded frame, its half spectrum, FFT scratch, the power row.</summary>
    private sealed class FrameBuffers(int powerBins)
    {
        public readonly double[] Frame = new double[FftSize];
        public readonly Complex[] Spectrum = new Complex[OneSidedBins];
        public readonly Complex[] Packed = new Complex[FftSize / 2], Work = new Complex[FftSize / 2];
        public readonly double[] Power = new double[powerBins];
    }

    private static float[] PadToWindow(ReadOnlySpan<float> samples)
    {
        var padded = new float[WindowLength];
        samples.CopyTo(padded);
        return padded;
    }
}
