using ILGPU;
using ILGPU.Runtime;
using SpeechEmotion.Features;

namespace SpeechEmotion.Kernels;

/// <summary>The device views of one batch of clips: the samples (each clip zero-padded to at least one window), where
/// each clip's samples and frames start, the clip of every frame, and the scratch and output buffers.</summary>
public struct FrontEndViews
{
    public ArrayView<float> Samples,
        Power,
        Features,
        Mean,
        Std,
        Destination;
    public ArrayView<int> FrameClip,
        ClipFrame,
        ClipSample,
        BankFirst,
        BankOffset,
        BankCount,
        Voiced;
    public ArrayView<double> Window,
        Cos,
        Sin,
        BankWeights,
        Lag;

    /// <summary>Width: values per frame (bands, pitch, Δ, ΔΔ); Bands: log-spectral columns; StatisticsStride: 0 when
    /// one mean and std serve every clip, Width when each clip has its own; Steps: padded frames per clip.</summary>
    public int Width,
        Bands,
        StatisticsStride,
        Steps;

    public readonly int FrameOf(int frame) => frame - ClipFrame[FrameClip[frame]];

    public readonly int FramesOfClip(int clip) => ClipFrame[clip + 1] - ClipFrame[clip];

    /// <summary>First sample of a frame's window.</summary>
    public readonly int Start(int frame) => ClipSample[FrameClip[frame]] + FrameOf(frame) * Spectrogram.Hop;
}

/// <summary>
/// The front end (<see cref="FrontEnd"/>: linear or log-mel spectrogram, pitch, Δ/ΔΔ, then standardisation) of a
/// whole batch of clips on an ILGPU accelerator, written straight into the model's zero-padded input [clips, steps,
/// width]: one upload of the samples, no host round trip per clip or per frame. Each stage mirrors its CPU reference:
/// <list type="bullet">
/// <item>power spectrum: one thread per (frame, bin), the windowed DFT sum X[k] = Σ_n x[n]w[n]e^{-2πi kn/1600} in
/// double (the twiddle index (k·n) mod 1600 into one table); the linear front end writes log(|X|² + ε) of bins
/// 0–399, the mel front end keeps |X|² of bins 0–800 for the next stage.
/// FLOPs ≈ frames·bins·640·6; bytes ≈ 4·(samples + frames·bins).</item>
/// <item>log-mel: one thread per (frame, band), log(Σ_k w_bk |X_k|² + ε) over the band's non-zero weights.
/// FLOPs ≈ 2·frames·801·2 (each bin is in two triangles).</item>
/// <item>pitch (<see cref="Features.Pitch"/>, YIN): one thread per frame computes d'(τ) for τ ≤ τ_max + 1 into
/// its local memory and picks the period; then one thread per clip interpolates log F0 through unvoiced frames.
/// FLOPs ≈ frames·267·372·2 (in double: the CPU sums the lag products in float; the two agree within the doctor's
/// tolerance unless a frame sits on the voicing threshold).</item>
/// <item>Δ and ΔΔ (<see cref="Features.Deltas"/>): one thread per (frame, column), the regression over ±2 frames
/// with the clip's end frames repeated, in float like the reference.</item>
/// <item>standardisation: (x − mean) / std with the model's statistics, or each clip's own (one thread per (clip,
/// column) sums in double, as <see cref="RunningStatistics"/>), scattered into the padded batch.</item>
/// </list>
/// </summary>
public sealed class FrontEndKernels : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _window,
        _cos,
        _sin;
    private readonly Dictionary<int, MelBank> _banks = [];
    private readonly Dictionary<string, MemoryBuffer> _buffers = [];
    private readonly Action<Index1D, FrontEndViews, int, int> _power;
    private readonly Action<Index1D, FrontEndViews> _mel,
        _pitch,
        _track,
        _statistics,
        _scatter;
    private readonly Action<Index1D, FrontEndViews, int, int, int> _delta;

    private sealed record MelBank(
        MemoryBuffer1D<int, Stride1D.Dense> First,
        MemoryBuffer1D<int, Stride1D.Dense> Offset,
        MemoryBuffer1D<int, Stride1D.Dense> Count,
        MemoryBuffer1D<double, Stride1D.Dense> Weights
    );

    public FrontEndKernels(Accelerator accelerator)
    {
        _accelerator = accelerator;
        _window = accelerator.Allocate1D(Spectrogram.Window);
        _cos = accelerator.Allocate1D(Twiddles(Math.Cos));
        _sin = accelerator.Allocate1D(Twiddles(Math.Sin));
        _power = accelerator.LoadAutoGroupedStreamKernel<Index1D, FrontEndViews, int, int>(PowerKernel);
        _mel = accelerator.LoadAutoGroupedStreamKernel<Index1D, FrontEndViews>(MelKernel);
        _pitch = accelerator.LoadAutoGroupedStreamKernel<Index1D, FrontEndViews>(PitchKernel);
        _track = accelerator.LoadAutoGroupedStreamKernel<Index1D, FrontEndViews>(TrackKernel);
        _delta = accelerator.LoadAutoGroupedStreamKernel<Index1D, FrontEndViews, int, int, int>(DeltaKernel);
        _statistics = accelerator.LoadAutoGroupedStreamKernel<Index1D, FrontEndViews>(StatisticsKernel);
        _scatter = accelerator.LoadAutoGroupedStreamKernel<Index1D, FrontEndViews>(ScatterKernel);
    }

    /// <summary>Every front end but the utterance functionals (one row per clip, not per frame).</summary>
    public static bool Supports(FrontEnd frontEnd) => frontEnd.Kind != FeatureKind.Functionals;

    /// <summary>
    /// Features of <paramref name="clips"/> (16 kHz mono, none empty) standardised with <paramref name="normalizer"/>
    /// (null: each clip with its own statistics) into <paramref name="destination"/>, a [clips, steps, Width] view:
    /// clip c's frames first, zeros after. Returns the frames of each clip. Launches on the default stream without
    /// waiting for it.
    /// </summary>
    public int[] Compute(
        FrontEnd frontEnd,
        IReadOnlyList<float[]> clips,
        FeatureNormalizer? normalizer,
        ArrayView<float> destination,
        int steps
    )
    {
        if (!Supports(frontEnd))
            throw new ArgumentException($"the {frontEnd} front end has no device kernels");
        if (clips.Count == 0 || clips.Any(c => c.Length == 0))
            throw new ArgumentException("a batch needs at least one clip, and every clip a sample");
        int width = frontEnd.Width;
        if (normalizer is not null && normalizer.Bins != width)
            throw new ArgumentException($"the normaliser has {normalizer.Bins} columns, the front end {width}");
        var frames = clips.Select(c => Spectrogram.FrameCount(c.Length)).ToArray();
        if (frames.Max() > steps || destination.Length != (long)clips.Count * steps * width)
            throw new ArgumentException(
                $"the destination holds {destination.Length} values, not {clips.Count} clips × {steps} frames × "
                    + $"{width} (longest clip: {frames.Max()} frames)"
            );
        var v = Layout(clips, frames, width);
        v.Bands = frontEnd.Bands;
        v.Steps = steps;
        int total = (int)v.FrameClip.Length;
        if (frontEnd.Kind == FeatureKind.Mel)
        {
            var bank = Bank(frontEnd.Bands);
            (v.BankFirst, v.BankOffset, v.BankCount, v.BankWeights) = (
                bank.First.View,
                bank.Offset.View,
                bank.Count.View,
                bank.Weights.View
            );
            v.Power = Buffer<float>("power", total * Spectrogram.OneSidedBins);
            _power(total * Spectrogram.OneSidedBins, v, Spectrogram.OneSidedBins, 0);
            _mel(total * frontEnd.Bands, v);
        }
        else
            _power(total * Spectrogram.Bins, v, Spectrogram.Bins, 1);
        if (frontEnd.Pitch)
        {
            v.Lag = Buffer<double>("lag", total);
            v.Voiced = Buffer<int>("voiced", total);
            _pitch(total, v);
            _track(clips.Count, v);
        }
        if (frontEnd.Deltas)
        {
            int baseWidth = frontEnd.BaseWidth;
            _delta(total * baseWidth, v, baseWidth, 0, baseWidth);
            _delta(total * baseWidth, v, baseWidth, baseWidth, 2 * baseWidth);
        }
        if (normalizer is null)
        {
            v.Mean = Buffer<float>("mean", clips.Count * width);
            v.Std = Buffer<float>("std", clips.Count * width);
            v.StatisticsStride = width;
            _statistics(clips.Count * width, v);
        }
        else
        {
            v.Mean = Buffer<float>("mean", width);
            v.Std = Buffer<float>("std", width);
            v.Mean.CopyFromCPU(_accelerator.DefaultStream, normalizer.Mean);
            v.Std.CopyFromCPU(_accelerator.DefaultStream, normalizer.Std);
            v.StatisticsStride = 0;
        }
        v.Destination = destination;
        destination.MemSetToZero(_accelerator.DefaultStream);
        _scatter(total * width, v);
        return frames;
    }

    /// <summary>Uploads the clips (each padded to a window) and the frame/clip index; sizes the feature
    /// buffer.</summary>
    private FrontEndViews Layout(IReadOnlyList<float[]> clips, int[] frames, int width)
    {
        int count = clips.Count;
        var clipSample = new int[count];
        var clipFrame = new int[count + 1];
        long samples = 0;
        for (int c = 0; c < count; c++)
        {
            clipSample[c] = checked((int)samples);
            samples += Math.Max(clips[c].Length, Spectrogram.WindowLength);
            clipFrame[c + 1] = clipFrame[c] + frames[c];
        }
        var host = new float[checked((int)samples)];
        for (int c = 0; c < count; c++)
            clips[c].CopyTo(host, clipSample[c]);
        var frameClip = new int[clipFrame[count]];
        for (int c = 0; c < count; c++)
            frameClip.AsSpan(clipFrame[c], frames[c]).Fill(c);
        var stream = _accelerator.DefaultStream;
        var v = new FrontEndViews
        {
            Samples = Buffer<float>("samples", host.Length),
            FrameClip = Buffer<int>("frame-clip", frameClip.Length),
            ClipFrame = Buffer<int>("clip-frame", clipFrame.Length),
            ClipSample = Buffer<int>("clip-sample", count),
            Features = Buffer<float>("features", frameClip.Length * width),
            Window = _window.View,
            Cos = _cos.View,
            Sin = _sin.View,
            Width = width,
        };
        v.Samples.CopyFromCPU(stream, host);
        v.FrameClip.CopyFromCPU(stream, frameClip);
        v.ClipFrame.CopyFromCPU(stream, clipFrame);
        v.ClipSample.CopyFromCPU(stream, clipSample);
        return v;
    }

    /// <summary>A named scratch buffer of at least <paramref name="length"/> elements (grown, never
    /// shrunk).</summary>
    private ArrayView<U> Buffer<U>(string name, int length)
        where U : unmanaged
    {
        if (_buffers.TryGetValue(name, out var existing) && existing.Length >= length)
            return ((MemoryBuffer1D<U, Stride1D.Dense>)existing).View.SubView(0, length);
        existing?.Dispose();
        var buffer = _accelerator.Allocate1D<U>(Math.Max(length, 1));
        _buffers[name] = buffer;
        return buffer.View.SubView(0, length);
    }

    private MelBank Bank(int bands)
    {
        if (_banks.TryGetValue(bands, out var bank))
            return bank;
        var filters = MelSpectrogram.Filterbank(bands);
        var offsets = new int[bands];
        for (int b = 1; b < bands; b++)
            offsets[b] = offsets[b - 1] + filters[b - 1].Weights.Length;
        bank = new MelBank(
            _accelerator.Allocate1D(filters.Select(f => f.First).ToArray()),
            _accelerator.Allocate1D(offsets),
            _accelerator.Allocate1D(filters.Select(f => f.Weights.Length).ToArray()),
            _accelerator.Allocate1D(filters.SelectMany(f => f.Weights).ToArray())
        );
        _banks[bands] = bank;
        return bank;
    }

    private static double[] Twiddles(Func<double, double> f) =>
        Enumerable.Range(0, Spectrogram.FftSize).Select(j => f(2 * Math.PI * j / Spectrogram.FftSize)).ToArray();

    /// <summary>Thread (frame, bin): |X_bin|² of the frame, or its log when <paramref name="log"/> is 1 (written to
    /// the features, else to the power scratch).</summary>
    private static void PowerKernel(Index1D index, FrontEndViews v, int bins, int log)
    {
        int frame = index / bins,
            bin = index % bins;
        int start = v.Start(frame);
        double re = 0,
            im = 0;
        int twiddle = 0; // (bin·n) mod 1600, advanced incrementally
        for (int n = 0; n < Spectrogram.WindowLength; n++)
        {
            double x = v.Samples[start + n] * v.Window[n];
            re += x * v.Cos[twiddle];
            im -= x * v.Sin[twiddle];
            twiddle += bin;
            if (twiddle >= Spectrogram.FftSize)
                twiddle -= Spectrogram.FftSize;
        }
        double power = re * re + im * im;
        if (log == 1)
            v.Features[frame * v.Width + bin] = (float)Math.Log(power + Spectrogram.Epsilon);
        else
            v.Power[index] = (float)power;
    }

    /// <summary>Thread (frame, band): the log energy of one mel band.</summary>
    private static void MelKernel(Index1D index, FrontEndViews v)
    {
        int frame = index / v.Bands,
            band = index % v.Bands;
        int first = v.BankFirst[band],
            offset = v.BankOffset[band],
            count = v.BankCount[band];
        int row = frame * Spectrogram.OneSidedBins + first;
        double energy = 0;
        for (int j = 0; j < count; j++)
            energy += v.BankWeights[offset + j] * v.Power[row + j];
        v.Features[frame * v.Width + band] = (float)Math.Log(energy + Spectrogram.Epsilon);
    }

    /// <summary>Thread per frame: YIN's period (fractional lag), voicing and periodicity (see Pitch.Frame).</summary>
    private static void PitchKernel(Index1D frame, FrontEndViews v)
    {
        var normalised = LocalMemory.Allocate<double>(Pitch.MaxLag + 2);
        int start = v.Start(frame);
        double e0 = 0;
        for (int j = 0; j < Pitch.Span; j++)
            e0 += (double)v.Samples[start + j] * v.Samples[start + j];
        double eTau = e0,
            cumulative = 0;
        normalised[0] = 1;
        for (int tau = 1; tau <= Pitch.MaxLag + 1; tau++)
        {
            double enter = v.Samples[start + tau + Pitch.Span - 1],
                leave = v.Samples[start + tau - 1];
            eTau += enter * enter - leave * leave;
            double dot = 0;
            for (int j = 0; j < Pitch.Span; j++)
                dot += (double)v.Samples[start + j] * v.Samples[start + j + tau];
            double d = Math.Max(0, e0 + eTau - 2.0 * dot);
            cumulative += d;
            normalised[tau] = cumulative > 0 ? d * tau / cumulative : 1;
        }
        int best = -1;
        for (int tau = Pitch.MinLag; tau <= Pitch.MaxLag && best < 0; tau++)
            if (normalised[tau] < Pitch.Threshold)
                best = tau;
        int voiced = best >= 0 ? 1 : 0;
        if (voiced == 1)
        {
            while (best < Pitch.MaxLag && normalised[best + 1] < normalised[best])
                best++;
        }
        else
        {
            best = Pitch.MinLag;
            for (int tau = Pitch.MinLag + 1; tau <= Pitch.MaxLag; tau++)
                if (normalised[tau] < normalised[best])
                    best = tau;
        }
        double a = normalised[best - 1],
            b = normalised[best],
            c = normalised[best + 1];
        double curvature = a - 2 * b + c;
        double shift = curvature > 0 ? Math.Min(0.5, Math.Max(-0.5, (a - c) / (2 * curvature))) : 0;
        v.Lag[frame] = best + shift;
        v.Voiced[frame] = voiced;
        v.Features[frame * v.Width + v.Bands + 1] = (float)Math.Min(1, Math.Max(0, 1 - b));
    }

    /// <summary>Thread per clip: log F0 of voiced frames, interpolated linearly through unvoiced ones, held at the
    /// ends, the range's geometric middle when nothing is voiced (see Pitch.Interpolate).</summary>
    private static void TrackKernel(Index1D clip, FrontEndViews v)
    {
        int first = v.ClipFrame[clip],
            frames = v.FramesOfClip(clip);
        double middle = 0.5 * Math.Log(Pitch.MinHz * Pitch.MaxHz);
        int previous = -1;
        double left = 0;
        for (int t = 0; t <= frames; t++)
        {
            if (t < frames && v.Voiced[first + t] == 0)
                continue;
            bool hasRight = t < frames;
            double right = hasRight ? Math.Log(Spectrogram.SampleRate / v.Lag[first + t]) : 0;
            int last = t < frames - 1 ? t : frames - 1;
            for (int u = previous + 1; u <= last; u++)
            {
                double value = middle;
                if (previous >= 0 && hasRight)
                    value = left + (right - left) * (u - previous) / (t - previous);
                else if (previous >= 0)
                    value = left;
                else if (hasRight)
                    value = right;
                v.Features[(first + u) * v.Width + v.Bands] = (float)value;
            }
            previous = t;
            left = right;
        }
    }

    /// <summary>Thread (frame, column): the regression Σ_n n·(c_{t+n} − c_{t−n}) / 10 of columns from.. into
    /// columns to.., the clip's end frames repeated (see Deltas.Regression).</summary>
    private static void DeltaKernel(Index1D index, FrontEndViews v, int columns, int from, int to)
    {
        int frame = index / columns,
            column = index % columns;
        int t = v.FrameOf(frame),
            first = frame - t,
            last = v.FramesOfClip(v.FrameClip[frame]) - 1;
        float sum = 0;
        for (int n = 1; n <= Deltas.Window; n++)
        {
            int later = first + Math.Min(t + n, last),
                earlier = first + Math.Max(t - n, 0);
            float weight = n / 10f; // Σ_{n=1..2} 2n² = 10
            sum +=
                weight * (v.Features[later * v.Width + from + column] - v.Features[earlier * v.Width + from + column]);
        }
        v.Features[frame * v.Width + to + column] = sum;
    }

    /// <summary>Thread (clip, column): mean and population standard deviation (at least MinStd) over the clip's
    /// frames, summed in double.</summary>
    private static void StatisticsKernel(Index1D index, FrontEndViews v)
    {
        int clip = index / v.Width,
            column = index % v.Width;
        int first = v.ClipFrame[clip],
            frames = v.FramesOfClip(clip);
        double sum = 0,
            sumSq = 0;
        for (int t = 0; t < frames; t++)
        {
            double x = v.Features[(first + t) * v.Width + column];
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / frames;
        v.Mean[index] = (float)mean;
        v.Std[index] = (float)Math.Max(Math.Sqrt(Math.Max(0, sumSq / frames - mean * mean)), FeatureNormalizer.MinStd);
    }

    /// <summary>Thread (frame, column): the standardised value into its place in the padded batch.</summary>
    private static void ScatterKernel(Index1D index, FrontEndViews v)
    {
        int frame = index / v.Width,
            column = index % v.Width;
        int clip = v.FrameClip[frame];
        int statistic = clip * v.StatisticsStride + column;
        v.Destination[(clip * v.Steps + v.FrameOf(frame)) * v.Width + column] =
            (v.Features[index] - v.Mean[statistic]) / v.Std[statistic];
    }

    public void Dispose()
    {
        _window.Dispose();
        _cos.Dispose();
        _sin.Dispose();
        foreach (var buffer in _buffers.Values)
            buffer.Dispose();
        foreach (var bank in _banks.Values)
        {
            bank.First.Dispose();
            bank.Offset.Dispose();
            bank.Count.Dispose();
            bank.Weights.Dispose();
        }
    }
}
