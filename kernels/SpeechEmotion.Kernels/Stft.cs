using ILGPU;
using ILGPU.Runtime;
using SpeechEmotion.Features;

namespace SpeechEmotion.Kernels;

/// <summary>
/// Log power spectrogram (see <see cref="Spectrogram"/>) and per-bin normalisation on an ILGPU accelerator.
/// One thread per (frame, bin) computes the windowed DFT sum directly, X[k] = Σ_n x[n]w[n]e^{-2πi kn/1600}, with the
/// twiddle index (k·n) mod 1600 into one 1600-entry table, accumulating in double (bins far below the frame peak lose
/// all precision in float32). Frames run in parallel; no host round trip per frame.
/// Cost per call: FLOPs ≈ frames·400·640·6 (window, two FMAs, index); minimal bytes ≈ 4·(samples + frames·400).
/// </summary>
public sealed class Stft : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _window,
        _cos,
        _sin;
    private readonly Action<
        Index1D,
        ArrayView<float>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<float>
    > _stft;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _normalize;

    public Stft(Accelerator accelerator)
    {
        _accelerator = accelerator;
        _window = accelerator.Allocate1D(Spectrogram.Window);
        _cos = accelerator.Allocate1D(
            Enumerable
                .Range(0, Spectrogram.FftSize)
                .Select(j => Math.Cos(2 * Math.PI * j / Spectrogram.FftSize))
                .ToArray()
        );
        _sin = accelerator.Allocate1D(
            Enumerable
                .Range(0, Spectrogram.FftSize)
                .Select(j => Math.Sin(2 * Math.PI * j / Spectrogram.FftSize))
                .ToArray()
        );
        _stft = accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<float>
        >(StftKernel);
        _normalize = accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            int
        >(NormalizeKernel);
    }

    /// <summary>samples: at least 640 (zero-pad short clips first); output: [frames, 400].</summary>
    public void Forward(ArrayView<float> samples, int frames, ArrayView<float> output) =>
        _stft(frames * Spectrogram.Bins, samples, _window.View, _cos.View, _sin.View, output);

    /// <summary>In place (x − mean[b]) / std[b] over a [frames, bins] view.</summary>
    public void Normalize(ArrayView<float> features, ArrayView<float> mean, ArrayView<float> std) =>
        _normalize((int)features.Length, features, mean, std, (int)mean.Length);

    /// <summary>Host convenience: spectrogram of one clip, same contract as
    /// <see cref="Spectrogram.Compute{T}"/>.</summary>
    public float[] Compute(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty)
            throw new ArgumentException("cannot compute a spectrogram of zero samples", nameof(samples));
        int frames = Spectrogram.FrameCount(samples.Length);
        var padded = new float[Math.Max(samples.Length, Spectrogram.WindowLength)];
        samples.CopyTo(padded);
        using var input = _accelerator.Allocate1D(padded);
        using var output = _accelerator.Allocate1D<float>(frames * Spectrogram.Bins);
        Forward(input.View, frames, output.View);
        return output.GetAsArray1D();
    }

    private static void StftKernel(
        Index1D index,
        ArrayView<float> samples,
        ArrayView<double> window,
        ArrayView<double> cos,
        ArrayView<double> sin,
        ArrayView<float> output
    )
    {
        int frame = index / Spectrogram.Bins,
            bin = index % Spectrogram.Bins;
        int start = frame * Spectrogram.Hop;
        double re = 0,
            im = 0;
        int twiddle = 0; // (bin·n) mod 1600, advanced incrementally
        for (int n = 0; n < Spectrogram.WindowLength; n++)
        {
            double x = samples[start + n] * window[n];
            re += x * cos[twiddle];
            im -= x * sin[twiddle];
            twiddle += bin;
            if (twiddle >= Spectrogram.FftSize)
                twiddle -= Spectrogram.FftSize;
        }
        output[index] = (float)Math.Log(re * re + im * im + Spectrogram.Epsilon);
    }

    private static void NormalizeKernel(
        Index1D index,
        ArrayView<float> features,
        ArrayView<float> mean,
        ArrayView<float> std,
        int bins
    )
    {
        int b = index % bins;
        features[index] = (features[index] - mean[b]) / std[b];
    }

    public void Dispose()
    {
        _window.Dispose();
        _cos.Dispose();
        _sin.Dispose();
    }
}
