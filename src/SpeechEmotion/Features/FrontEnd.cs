using SpeechEmotion.Model;

namespace SpeechEmotion.Features;

/// <summary>Which features the model reads: the paper's linear spectrogram (400 bins, 0–4 kHz) or log-mel bands (0–8 kHz).</summary>
public enum FeatureKind { Linear, Mel }

/// <summary>Turns audio into the model's input rows; a model file's config says which front end it was trained on.</summary>
public sealed record FrontEnd(FeatureKind Kind, int Width)
{
    public static readonly FrontEnd Paper = new(FeatureKind.Linear, Spectrogram.Bins);

    public static FrontEnd Mel(int bands) => new(FeatureKind.Mel, bands);

    /// <summary>The front end a model was configured for; a linear model must read all 400 bins.</summary>
    public static FrontEnd For(ModelConfig config) =>
        config.Features == FeatureKind.Mel ? Mel(config.InputSize)
        : config.InputSize == Spectrogram.Bins ? Paper
        : throw new ArgumentException($"a linear-spectrogram model must have {Spectrogram.Bins} inputs, not {config.InputSize}");

    /// <summary>Row-major [frames, Width] of 16 kHz mono samples.</summary>
    public float[] Compute(ReadOnlySpan<float> samples) =>
        Kind == FeatureKind.Mel ? MelSpectrogram.Compute<float>(samples, Width) : Spectrogram.Compute<float>(samples);

    public override string ToString() => Kind == FeatureKind.Mel ? $"log-mel, {Width} bands 0–8 kHz" : "linear spectrogram, 400 bins 0–4 kHz";
}
