using SpeechEmotion.Audio;

namespace SpeechEmotion;

/// <summary>
/// Live recognition: push audio as it arrives with <see cref="AcceptWaveform"/>; each call returns the speech segments
/// that closed (a pause of <see cref="SegmentOptions.MinSilenceSeconds"/>, or the maximum length reached), already
/// recognised. <see cref="Flush"/> at the end returns the last one. Memory stays bounded by the longest segment.
/// For a speaker-normalised model without a <see cref="SpeakerContext"/>, the stream keeps its own, fed with every
/// segment before it is recognised (so the first segments are standardised with little audio). Not thread-safe: one
/// stream per audio source (streams of one recognizer may run on different threads).
/// </summary>
public sealed class EmotionStream
{
    private readonly EmotionRecognizer _recognizer;
    private readonly SpeechSegmenter _segmenter;
    private readonly SpeakerContext? _speaker;
    private readonly bool _feedSpeaker;
    private Resampler? _resampler;

    internal EmotionStream(EmotionRecognizer recognizer, SegmentOptions options, SpeakerContext? speaker)
    {
        _recognizer = recognizer;
        _segmenter = new SpeechSegmenter(options);
        _feedSpeaker = recognizer.NeedsSpeakerContext && speaker is null;
        _speaker = _feedSpeaker ? recognizer.CreateSpeakerContext() : speaker;
    }

    /// <summary>Audio taken so far (at 16 kHz).</summary>
    public TimeSpan Position => TimeSpan.FromSeconds(_segmenter.Position / (double)WavReader.TargetSampleRate);

    /// <summary>Takes a chunk of mono samples (nominally ±1; the rate must stay the same for the whole
    /// stream).</summary>
    /// <returns>The segments this chunk closed, oldest first (usually none).</returns>
    public IReadOnlyList<EmotionSegment> AcceptWaveform(ReadOnlySpan<float> chunk, int sampleRate)
    {
        if (chunk.IsEmpty)
            return [];
        _resampler ??= new Resampler(sampleRate);
        if (sampleRate != _resampler.SampleRate)
            throw new ArgumentException($"the stream is at {_resampler.SampleRate} Hz, this chunk at {sampleRate} Hz");
        EmotionRecognizer.CheckSamples(chunk);
        return Recognize(_segmenter.Push(_resampler.Push(chunk)));
    }

    /// <summary>Ends the stream: returns the segment still open, if any.</summary>
    public IReadOnlyList<EmotionSegment> Flush()
    {
        var tail = _resampler is null ? [] : _segmenter.Push(_resampler.Finish());
        return Recognize([.. tail, .. _segmenter.Flush()]);
    }

    private List<EmotionSegment> Recognize(IReadOnlyList<SpeechRegion> regions)
    {
        var segments = new List<EmotionSegment>(regions.Count);
        foreach (var region in regions)
        {
            var features = _recognizer.FeaturesOf(region.Samples);
            if (_feedSpeaker)
                _speaker!.AddFeatures(features);
            var output = _recognizer.Outputs([_recognizer.Normalized(features, _speaker)])[0];
            var result = _recognizer.Combine([(output, region.Samples.Length)]);
            segments.Add(new EmotionSegment(Seconds(region.Start), Seconds(region.End), result));
        }
        return segments;
    }

    private static TimeSpan Seconds(long samples) => TimeSpan.FromSeconds(samples / (double)WavReader.TargetSampleRate);
}
