namespace SpeechEmotion.Audio;

/// <summary>
/// Speed perturbation (Ko et al., Interspeech 2015, as Kaldi's sp0.9/sp1.1): the clip played at factor s, so tempo,
/// pitch and formants all scale by s and the length by 1/s. Done by reading the 16 kHz samples as if they were recorded
/// at 16000·s Hz and resampling that to 16 kHz.
/// </summary>
public static class SpeedPerturbation
{
    public static float[] Apply(float[] samples, double factor)
    {
        if (factor is < 0.5 or > 2)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "speed factors must be between 0.5 and 2");
        int rate = (int)Math.Round(WavReader.TargetSampleRate * factor);
        return rate == WavReader.TargetSampleRate ? samples : WavReader.Resample(samples, rate);
    }
}
