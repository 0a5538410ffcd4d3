using SpeechEmotion.Features;

namespace SpeechEmotion.Engine;

/// <summary>
/// A backend that also runs the front end on its device (the ILGPU backend): a batch of clips goes from samples to
/// the model's standardised, zero-padded input without features crossing to the host. Callers fall back to
/// <see cref="FrontEnd.Compute"/> on the CPU when a backend does not implement it or <see cref="Computes"/> is false.
/// </summary>
public interface IFeatureBackend
{
    /// <summary>Whether <paramref name="frontEnd"/> runs on the device.</summary>
    bool Computes(FrontEnd frontEnd);

    /// <summary>Features of <paramref name="clips"/> (16 kHz mono, none empty) standardised with
    /// <paramref name="normalizer"/> (null: each clip with its own statistics) into <paramref name="destination"/>
    /// [clips, steps, width], zeros after each clip's frames; returns each clip's frames.</summary>
    int[] Features(
        FrontEnd frontEnd,
        IReadOnlyList<float[]> clips,
        FeatureNormalizer? normalizer,
        Tensor<float> destination
    );
}
