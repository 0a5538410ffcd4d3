using SpeechEmotion.Audio;
using SpeechEmotion.Engine;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion;

/// <summary>
/// Recognises emotion in speech with a trained model file: load once with <see cref="FromFile"/>, then call
/// <see cref="Recognize(string, SpeakerContext?)"/> for a WAV file, a stream or samples, <see
/// cref="RecognizeSegmentsAsync(string, SegmentOptions?, SpeakerContext?, CancellationToken)"/>
/// for a long recording, or <see cref="CreateStream"/> for live audio. Thread-safe: calls from several threads run
/// at once on the CPU (each borrows a model instance from a pool that grows to the number of concurrent callers;
/// weights are copied once per instance, not per call) and take turns on a GPU. Dispose when done.
/// </summary>
/// <example><code>
/// using var recognizer = EmotionRecognizer.FromFile("models/emodb.ser");
/// var result = recognizer.Recognize("speech.wav");
/// Console.WriteLine($"{result.Label} {result.Confidence:P0}");
/// </code></example>
public sealed class EmotionRecognizer : IDisposable
{
    private const int BatchSize = 16;

    // Batch × frames² bound: per head 8 MB of attention scores, e.g. 2 items of 10 s or 16 of 3.5 s.
    private const long AttentionBudget = 2_000_000;
    private readonly SavedModel _saved;
    private readonly FrontEnd _frontEnd;
    private readonly IBackend<float> _backend;
    private readonly ModelPool _pool;
    private readonly int _window;

    private EmotionRecognizer(SavedModel saved, string name, RecognizerOptions options)
    {
        options.Validate();
        _saved = saved;
        ModelName = name;
        _frontEnd = saved.Config.InputFrontEnd();
        _window = (int)(options.MaxWindowSeconds * WavReader.TargetSampleRate);
        _backend = Devices.OpenOrCpu(options.Device, options.Threads, out var fallback);
        DeviceFallback = fallback;
        _pool = new ModelPool(saved, _backend);
        _pool.Use(_ => 0); // one instance now: a file that lacks a parameter fails here, not at the first call
        Labels = saved.Config.Task == SerTask.Regression ? [] : saved.Labels;
    }

    /// <summary>Loads a model file (checked: magic, checksum, sizes; errors name the file).</summary>
    /// <exception cref="ModelFileException">The file is missing, corrupt or not a model.</exception>
    public static EmotionRecognizer FromFile(string modelPath, RecognizerOptions? options = null)
    {
        var saved = SavedModel.Load(modelPath);
        try
        {
            return new EmotionRecognizer(
                saved,
                Path.GetFileNameWithoutExtension(modelPath),
                options ?? new RecognizerOptions()
            );
        }
        catch (Exception e) when (e is ArgumentException and not ArgumentOutOfRangeException or InvalidDataException)
        {
            throw new ModelFileException(modelPath, $"unusable model: {e.Message}", e);
        }
    }

    /// <summary>The name of the built-in model (<see cref="FromDefaultModel"/>).</summary>
    public const string DefaultModelName = "default";

    /// <summary>
    /// Loads the model built into the library (no file needed, models/default.ser): the default recipe trained on
    /// Emo-DB, ASED and URDU together (German, Amharic, Urdu; Emo-DB's seven emotions), global normalisation, so it
    /// works on single files of unknown speakers.
    /// </summary>
    public static EmotionRecognizer FromDefaultModel(RecognizerOptions? options = null)
    {
        return new EmotionRecognizer(SavedModel.LoadBuiltIn(), DefaultModelName, options ?? new RecognizerOptions());
    }

    /// <summary>The model's name (its file name without extension), also given in every result.</summary>
    public string ModelName { get; }

    /// <summary>The emotions the model tells apart, in its output order (empty for a regression model).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The backend that runs the model, e.g. "cpu (single)".</summary>
    public string Device => _backend.Name;

    /// <summary>Why the requested device was not used (null when it was).</summary>
    public string? DeviceFallback { get; }

    /// <summary>The model standardises each speaker with that speaker's statistics: recognition needs a
    /// <see cref="SpeakerContext"/> (segments and streams build one from the audio they hear when none is
    /// given).</summary>
    public bool NeedsSpeakerContext => _saved.Normalization == FeatureNormalization.Speaker;

    /// <summary>Longest audio recognised in one piece (<see cref="RecognizerOptions.MaxWindowSeconds"/>).</summary>
    public double MaxWindowSeconds => _window / (double)WavReader.TargetSampleRate;

    /// <summary>The front end the model reads, in words.</summary>
    public string Features => _frontEnd.ToString();

    /// <summary>A new, empty speaker context for this model.</summary>
    public SpeakerContext CreateSpeakerContext() => new(_frontEnd);

    /// <summary>
    /// Runs the whole path (front end, model) on synthetic audio (40 one-second clips, then one of the maximum
    /// window), so that the first real calls find optimised code and grown buffers (the runtime recompiles a method
    /// hot after about 30 calls; a live stream's first segments would otherwise be late). Takes a few hundred ms.
    /// </summary>
    public void WarmUp()
    {
        var random = new Random(1);
        var audio = new float[_window];
        for (int i = 0; i < audio.Length; i++)
            audio[i] = (float)(0.1 * Math.Sin(i * 0.05) * (random.NextDouble() - 0.5));
        var speaker = NeedsSpeakerContext ? CreateSpeakerContext() : null;
        speaker?.AddAudio(audio, WavReader.TargetSampleRate);
        for (int round = 0; round < 40; round++)
            Recognize(audio.AsSpan(0, WavReader.TargetSampleRate), WavReader.TargetSampleRate, speaker);
        Thread.Sleep(200); // the runtime's tier-up waits for 100 ms without new first calls
        Recognize(audio, WavReader.TargetSampleRate, speaker);
    }

    /// <summary>A live stream: push audio with <see cref="EmotionStream.AcceptWaveform"/>, get segments as they
    /// close.</summary>
    public EmotionStream CreateStream(SegmentOptions? options = null, SpeakerContext? speaker = null) =>
        new(this, options ?? new SegmentOptions(), speaker);

    /// <summary>
    /// A long recording as speech segments: an energy voice-activity detector splits it (<see cref="SegmentOptions"/>),
    /// each segment of at most <see cref="SegmentOptions.MaxSegmentSeconds"/> is recognised, and segments are yielded
    /// as they close. The file is read a second at a time, so memory does not grow with its length.
    /// </summary>
    public IAsyncEnumerable<EmotionSegment> RecognizeSegmentsAsync(
        string wavPath,
        SegmentOptions? options = null,
        SpeakerContext? speaker = null,
        CancellationToken cancellation = default
    ) => Segments(() => Mono16kReader.Open(wavPath), options, speaker, cancellation);

    /// <summary>As <see cref="RecognizeSegmentsAsync(string, SegmentOptions?, SpeakerContext?, CancellationToken)"/>
    /// for a WAV stream (left open; a pipe is read to its end).</summary>
    public IAsyncEnumerable<EmotionSegment> RecognizeSegmentsAsync(
        Stream wav,
        SegmentOptions? options = null,
        SpeakerContext? speaker = null,
        CancellationToken cancellation = default
    ) =>
        Segments(
            () => new Mono16kReader(new WavDecoder(wav, "stream", leaveOpen: true)),
            options,
            speaker,
            cancellation
        );

    private async IAsyncEnumerable<EmotionSegment> Segments(
        Func<Mono16kReader> open,
        SegmentOptions? options,
        SpeakerContext? speaker,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation
    )
    {
        await Task.Yield(); // the caller gets its enumerator back before any audio is read
        using var reader = open();
        var stream = CreateStream(options, speaker);
        var chunk = new float[WavReader.TargetSampleRate];
        int n;
        while ((n = reader.Read(chunk)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var segment in stream.AcceptWaveform(chunk.AsSpan(0, n), WavReader.TargetSampleRate))
                yield return segment;
        }
        foreach (var segment in stream.Flush())
            yield return segment;
    }

    /// <summary>Recognises a WAV file (read in windows; see <see
    /// cref="RecognizerOptions.MaxWindowSeconds"/>).</summary>
    /// <exception cref="AudioFormatException">The file cannot be read; the message names it and says why.</exception>
    public EmotionResult Recognize(string wavPath, SpeakerContext? speaker = null)
    {
        using var reader = Mono16kReader.Open(wavPath);
        return Recognize(reader, speaker);
    }

    /// <summary>Recognises a WAV stream (RIFF/RF64 header, then PCM or float data); the stream is left open.</summary>
    public EmotionResult Recognize(Stream wav, SpeakerContext? speaker = null)
    {
        using var reader = new Mono16kReader(new WavDecoder(wav, "stream", leaveOpen: true));
        return Recognize(reader, speaker);
    }

    /// <summary>Recognises mono samples (nominally in ±1) at any rate from 1 to 768 kHz.</summary>
    public EmotionResult Recognize(ReadOnlySpan<float> samples, int sampleRate, SpeakerContext? speaker = null)
    {
        var mono16k = To16k(samples, sampleRate);
        return RecognizeBatch([mono16k], [speaker])[0];
    }

    /// <summary>Recognises several clips of 16 kHz mono samples together (length-sorted batches: faster than one by
    /// one).</summary>
    public IReadOnlyList<EmotionResult> RecognizeBatch(
        IReadOnlyList<float[]> samples16k,
        IReadOnlyList<SpeakerContext?>? speakers = null
    )
    {
        if (speakers is not null && speakers.Count != samples16k.Count)
            throw new ArgumentException("one speaker context (or null) per clip");
        var windows = new List<(int Clip, int Start, int Samples)>();
        for (int c = 0; c < samples16k.Count; c++)
        {
            if (samples16k[c].Length == 0)
                throw new ArgumentException($"clip {c} has no samples");
            int start = 0;
            foreach (int size in WindowSplit.Sizes(samples16k[c].Length, _window))
            {
                windows.Add((c, start, size));
                start += size;
            }
        }
        var outputs = new List<float[]>(windows.Count);
        foreach (var group in windows.Chunk(4 * BatchSize)) // features of a bounded number of windows at a time
        {
            if (FeaturesOnDevice)
            {
                outputs.AddRange(
                    OutputsOfAudio(group.Select(w => samples16k[w.Clip].AsSpan(w.Start, w.Samples).ToArray()).ToList())
                );
                continue;
            }
            var features = new float[group.Length][];
            Parallel.For(
                0,
                group.Length,
                w =>
                {
                    var (clip, start, size) = group[w];
                    features[w] = Normalized(_frontEnd.Compute(samples16k[clip].AsSpan(start, size)), speakers?[clip]);
                }
            );
            outputs.AddRange(Outputs(features));
        }
        return windows
            .Select((w, i) => (w.Clip, w.Samples, Output: outputs[i]))
            .GroupBy(w => w.Clip)
            .Select(g => Combine(g.Select(w => (w.Output, w.Samples)).ToList()))
            .ToList();
    }

    private EmotionResult Recognize(Mono16kReader reader, SpeakerContext? speaker)
    {
        var parts = new List<(float[] Output, int Samples)>();
        var buffer = new float[2 * _window];
        int filled = 0;
        while (true)
        {
            int n = reader.Read(buffer.AsSpan(filled));
            filled += n;
            if (n > 0 && filled < buffer.Length)
                continue;
            bool end = n == 0;
            var sizes = end ? WindowSplit.Last(filled, _window) : [_window];
            int start = 0;
            foreach (int size in sizes.Where(s => s > 0))
            {
                parts.Add((Outputs([Normalized(_frontEnd.Compute(buffer.AsSpan(start, size)), speaker)])[0], size));
                start += size;
            }
            if (end)
                break;
            buffer.AsSpan(start, filled - start).CopyTo(buffer);
            filled -= start;
        }
        return Combine(parts);
    }

    internal static float[] To16k(ReadOnlySpan<float> samples, int sampleRate)
    {
        if (samples.IsEmpty)
            throw new ArgumentException("no samples");
        CheckSamples(samples);
        var copy = samples.ToArray();
        return sampleRate == WavReader.TargetSampleRate ? copy : WavReader.Resample(copy, sampleRate);
    }

    /// <summary>Samples from a caller obey the rule for WAV float samples: finite, within
    /// ±MaxFloatMagnitude.</summary>
    internal static void CheckSamples(ReadOnlySpan<float> samples)
    {
        foreach (float v in samples)
            if (!(Math.Abs(v) <= PcmDecoder.MaxFloatMagnitude))
                throw new ArgumentException($"sample {v} is not a finite value within ±{PcmDecoder.MaxFloatMagnitude}");
    }

    /// <summary>Features of 16 kHz samples standardised as the model was trained (in place).</summary>
    internal float[] Normalized(float[] features, SpeakerContext? speaker)
    {
        if (_saved.Normalization == FeatureNormalization.Utterance)
        {
            FeatureNormalizer.ApplyOwn(features, _saved.Normalizer.Bins);
            return features;
        }
        if (!NeedsSpeakerContext)
        {
            _saved.Normalizer.Apply(features);
            return features;
        }
        if (speaker is null)
            throw new InvalidOperationException(
                $"model '{ModelName}' is speaker-normalised: it standardises each "
                    + "speaker with that speaker's own statistics, so pass a SpeakerContext fed with about "
                    + $"{SpeakerContext.RecommendedSeconds:F0} s of the speaker's audio "
                    + "(CreateSpeakerContext, then AddFile or AddAudio)"
            );
        if (!speaker.Serves(_frontEnd))
            throw new ArgumentException("the speaker context was made for a model with other features");
        speaker.Normalizer().Apply(features);
        return features;
    }

    internal float[] FeaturesOf(ReadOnlySpan<float> samples16k) => _frontEnd.Compute(samples16k);

    /// <summary>Raw outputs of normalised feature matrices, in their order (run in length-sorted batches).</summary>
    internal float[][] Outputs(IReadOnlyList<float[]> features)
    {
        int width = _frontEnd.Width;
        return Batched(
            features.Select(f => f.Length / width).ToArray(),
            (instance, indices) =>
                Predictor.Outputs(
                    instance.Model,
                    instance.Workspace,
                    PaddedBatch.From(indices.Select(i => features[i]).ToArray(), width)
                )
        );
    }

    /// <summary>Whether clips go from samples to outputs on the device, features included (a GPU backend, a front
    /// end with kernels, statistics that do not depend on the speaker); else features are computed on the
    /// CPU.</summary>
    public bool FeaturesOnDevice =>
        _backend is IFeatureBackend device && device.Computes(_frontEnd) && !NeedsSpeakerContext;

    /// <summary>Raw outputs of 16 kHz clips, front end on the device (run in length-sorted batches).</summary>
    private float[][] OutputsOfAudio(IReadOnlyList<float[]> clips)
    {
        var normalizer = _saved.Normalization == FeatureNormalization.Utterance ? null : _saved.Normalizer;
        return Batched(
            clips.Select(c => Spectrogram.FrameCount(c.Length)).ToArray(),
            (instance, indices) =>
                Predictor.OutputsOfAudio(
                    instance.Model,
                    instance.Workspace,
                    _frontEnd,
                    indices.Select(i => clips[i]).ToArray(),
                    normalizer
                )
        );
    }

    private float[][] Batched(int[] frames, Func<ModelPool.Instance, int[], float[][]> run)
    {
        var outputs = new float[frames.Length][];
        foreach (var indices in BatchPlan.Batches(frames, BatchSize, AttentionBudget))
        {
            var result = _pool.Use(instance => run(instance, indices));
            for (int b = 0; b < indices.Length; b++)
                outputs[indices[b]] = result[b];
        }
        return outputs;
    }

    /// <summary>One result from windows: probabilities (or scores) averaged, weighted by each window's
    /// samples.</summary>
    internal EmotionResult Combine(IReadOnlyList<(float[] Output, int Samples)> parts)
    {
        long total = parts.Sum(p => (long)p.Samples);
        var duration = TimeSpan.FromSeconds(total / (double)WavReader.TargetSampleRate);
        if (_saved.Config.Task == SerTask.Regression)
        {
            double score = parts.Sum(p => Predictor.Score(_saved.Config, p.Output) * p.Samples) / total;
            return new EmotionResult("", new Dictionary<string, float>(), duration, ModelName)
            {
                Score = score,
                Windows = parts.Count,
            };
        }
        var mean = new double[Labels.Count];
        foreach (var (output, samples) in parts)
        {
            var p = Predictor.Softmax(output);
            for (int c = 0; c < mean.Length; c++)
                mean[c] += p[c] * (double)samples / total;
        }
        var probabilities = new float[mean.Length];
        for (int c = 0; c < mean.Length; c++)
            probabilities[c] = (float)mean[c];
        var dictionary = Labels.Select((l, c) => (l, c)).ToDictionary(x => x.l, x => probabilities[x.c]);
        return new EmotionResult(Labels[Predictor.ArgMax(probabilities)], dictionary, duration, ModelName)
        {
            Windows = parts.Count,
        };
    }

    /// <summary>Releases the model instances and the device.</summary>
    public void Dispose()
    {
        _pool.Dispose();
        _backend.Dispose();
    }
}
