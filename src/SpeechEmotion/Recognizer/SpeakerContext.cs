using SpeechEmotion.Audio;
using SpeechEmotion.Features;

namespace SpeechEmotion;

/// <summary>
/// One speaker's feature statistics for a speaker-normalised model, which standardises every utterance with the mean
/// and standard deviation of its speaker's audio (not with the training set's). Feed it that speaker's audio — labels
/// are not needed, and it can be the same audio you recognise — before or while recognising; the statistics are a
/// running mean and variance, so a live stream can keep adding to them. About 30 s of speech gives statistics like
/// those the model was trained with; with less, predictions are less reliable (<see cref="Seconds"/> tells).
/// Safe to feed and read from several threads.
/// </summary>
public sealed class SpeakerContext
{
    private readonly FrontEnd _frontEnd;
    private readonly RunningStatistics _statistics;
    private readonly Lock _lock = new();

    internal SpeakerContext(FrontEnd frontEnd)
    {
        _frontEnd = frontEnd;
        _statistics = new RunningStatistics(frontEnd.Width);
    }

    /// <summary>Audio about this long gives statistics like training's.</summary>
    public const double RecommendedSeconds = 30;

    /// <summary>Seconds of audio added so far (10 ms per feature frame).</summary>
    public double Seconds
    {
        get
        {
            lock (_lock)
                return _statistics.Frames * (double)Spectrogram.Hop / Spectrogram.SampleRate;
        }
    }

    /// <summary>Adds samples at any rate from 1 to 768 kHz (resampled to 16 kHz; finite, within ±65536).</summary>
    public void AddAudio(ReadOnlySpan<float> samples, int sampleRate)
    {
        if (samples.IsEmpty)
            return;
        AddFeatures(_frontEnd.Compute(EmotionRecognizer.To16k(samples, sampleRate)));
    }

    /// <summary>Adds a WAV file's audio (read in windows, so long files are fine).</summary>
    public void AddFile(string wavPath)
    {
        using var reader = Mono16kReader.Open(wavPath);
        var window = new float[WavReader.TargetSampleRate * 60];
        int n;
        while ((n = reader.Read(window)) > 0)
            AddFeatures(_frontEnd.Compute(window.AsSpan(0, n)));
    }

    internal void AddFeatures(ReadOnlySpan<float> rows)
    {
        lock (_lock)
            _statistics.Add(rows);
    }

    /// <summary>The normaliser of the audio so far; an error naming what is missing when nothing was added.</summary>
    internal FeatureNormalizer Normalizer()
    {
        lock (_lock)
        {
            if (_statistics.Frames == 0)
                throw new InvalidOperationException("the speaker context is empty: add the speaker's audio first");
            return _statistics.ToNormalizer();
        }
    }

    internal bool Serves(FrontEnd frontEnd) => frontEnd == _frontEnd;
}
