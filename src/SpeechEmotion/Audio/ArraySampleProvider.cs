using NAudio.Wave;

namespace SpeechEmotion.Audio;

/// <summary>Feeds an in-memory mono signal to NAudio's sample-provider pipeline (used for resampling).</summary>
internal sealed class ArraySampleProvider(float[] samples, int sampleRate) : ISampleProvider
{
    private int _position;

    public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, 1);

    public int Read(float[] buffer, int offset, int count)
    {
        int n = Math.Min(count, samples.Length - _position);
        Array.Copy(samples, _position, buffer, offset, n);
        _position += n;
        return n;
    }
}
