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
    public static double[] Window => StftFraming.Paper.Window;

    public static int FrameCount(int samples) => StftFraming.Paper.FrameCount(samples);

    /// <summary>Row-major [frames, 400]. The transform runs in double whatever <typeparamref name="T"/> is.</summary>
    public static T[] Compute<T>(ReadOnlySpan<float> samples)
        where T : IFloatingPoint<T> =>
        Frames<T>(
            samples,
            Bins,
            Bins,
            (power, row) =>
            {
                for (int k = 0; k < Bins; k++)
                    row[k] = T.CreateChecked(Math.Log(power[k] + Epsilon));
            }
        );

    /// <summary>Power of bins 0..<paramref name="powerBins"/>−1 of every paper frame, mapped to rows (see <see
    /// cref="StftFraming.Frames{T}"/>).</summary>
    internal static T[] Frames<T>(ReadOnlySpan<float> samples, int width, int powerBins, StftFraming.FrameMap<T> map) =>
        StftFraming.Paper.Frames(samples, width, powerBins, map);
}
