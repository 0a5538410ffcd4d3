namespace SpeechEmotion.Features;

/// <summary>Which features the model reads: the paper's linear spectrogram (400 bins, 0–4 kHz), log-mel bands
/// (0–8 kHz), or one row of <see cref="UtteranceFunctionals"/> per utterance (the baseline's input).</summary>
public enum FeatureKind
{
    Linear,
    Mel,
    Functionals,
}

/// <summary>
/// Turns audio into the model's input rows; a model file's config says which front end it was trained on. With Pitch
/// each row also holds log F0 and periodicity (<see cref="Features.Pitch"/>); with Deltas, the first and second time
/// derivatives of all of those values (<see cref="Features.Deltas"/>): rows are [bands, pitch, Δ…, ΔΔ…].
/// </summary>
public sealed record FrontEnd(FeatureKind Kind, int Bands, bool Deltas = false, bool Pitch = false)
{
    public static readonly FrontEnd Paper = new(FeatureKind.Linear, Spectrogram.Bins);

    public static FrontEnd Mel(int bands, bool deltas = false, bool pitch = false) =>
        new(FeatureKind.Mel, bands, deltas, pitch);

    /// <summary>One row of 144 statistics per utterance (<see cref="UtteranceFunctionals"/>).</summary>
    public static readonly FrontEnd Functionals = new(FeatureKind.Functionals, UtteranceFunctionals.Count);

    /// <summary>Values per frame before deltas.</summary>
    public int BaseWidth => Bands + (Pitch ? Features.Pitch.Values : 0);

    /// <summary>Values per frame.</summary>
    public int Width => Deltas ? 3 * BaseWidth : BaseWidth;

    /// <summary>The front end that gives <paramref name="inputSize"/> values per frame of this kind (a model's config
    /// stores only these); a linear model must read all 400 bins, a functionals model 144 values.</summary>
    public static FrontEnd For(FeatureKind kind, int inputSize, bool deltas, bool pitch)
    {
        if (deltas && inputSize % 3 != 0)
            throw new ArgumentException($"a model with deltas must have a multiple of 3 inputs, not {inputSize}");
        int bands = (deltas ? inputSize / 3 : inputSize) - (pitch ? Features.Pitch.Values : 0);
        if (kind == FeatureKind.Functionals)
            return inputSize == UtteranceFunctionals.Count && !deltas && !pitch
                ? Functionals
                : throw new ArgumentException(
                    $"a functionals model reads {UtteranceFunctionals.Count} values and nothing else"
                );
        return kind == FeatureKind.Mel ? Mel(bands, deltas, pitch)
            : bands == Spectrogram.Bins ? Paper with { Deltas = deltas, Pitch = pitch }
            : throw new ArgumentException($"a linear-spectrogram model must read {Spectrogram.Bins} bins, not {bands}");
    }

    /// <summary>Row-major [frames, Width] of 16 kHz mono samples.</summary>
    public float[] Compute(ReadOnlySpan<float> samples)
    {
        if (Kind == FeatureKind.Functionals)
            return UtteranceFunctionals.Compute(samples);
        var rows =
            Kind == FeatureKind.Mel
                ? MelSpectrogram.Compute<float>(samples, Bands)
                : Spectrogram.Compute<float>(samples);
        if (Pitch)
            rows = Features.Pitch.Append(rows, Bands, samples);
        return Deltas ? Features.Deltas.Append<float>(rows, BaseWidth) : rows;
    }

    public override string ToString() =>
        (
            Kind switch
            {
                FeatureKind.Mel => $"log-mel, {Bands} bands 0–8 kHz",
                FeatureKind.Functionals =>
                    $"utterance functionals ({Bands}: log-mel and MFCC statistics, 25 ms / 10 ms)",
                _ => "linear spectrogram, 400 bins 0–4 kHz",
            }
        )
        + (Pitch ? ", with pitch (log F0, periodicity)" : "")
        + (Deltas ? ", with Δ and ΔΔ" : "");
}
