namespace SpeechEmotion.Features;

/// <summary>
/// Global: per-bin statistics of the training utterances applied to everything (the paper). Speaker: each speaker's
/// utterances are standardised with that speaker's own per-bin statistics (no labels used; at test time the test
/// speaker's unlabelled audio supplies them), a common way to remove speaker identity from the input. Utterance: each
/// utterance is standardised with its own per-bin statistics (cepstral mean and variance normalisation), the
/// one-file stand-in for Speaker: nothing but the recording itself is needed.
/// </summary>
public enum FeatureNormalization
{
    Global,
    Speaker,
    Utterance,
}
