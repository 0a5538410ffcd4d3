namespace SpeechEmotion.Training;

/// <summary>
/// The labels each corpus of a merged training set has (<see cref="TrainingOptions.CorpusLabels"/>), as one class
/// mask per example (bit c set: the example's corpus has an example of class c). Merging corpora by label name puts
/// every utterance's softmax over the union of their labels; without masks an utterance of a corpus that has no
/// boredom is taught "not boredom", so a label only one corpus has becomes a sign of that corpus's recording
/// conditions rather than of the emotion.
/// </summary>
public static class CorpusLabelSets
{
    /// <summary>One mask per example, by the corpus part of its speaker (<see cref="CorpusBalance.CorpusOf"/>); null
    /// when all corpora have the same labels (one corpus, say), so that the loss is the plain one.</summary>
    public static int[]? Masks(IReadOnlyList<Example> examples, int classes)
    {
        if (classes > 31)
            throw new ArgumentException($"corpus label sets hold 31 classes, not {classes}");
        var corpora = examples.Select(e => CorpusBalance.CorpusOf(e.Utterance.Speaker)).ToArray();
        var ofCorpus = new Dictionary<string, int>();
        for (int i = 0; i < examples.Count; i++)
            ofCorpus[corpora[i]] = ofCorpus.GetValueOrDefault(corpora[i]) | 1 << examples[i].Label;
        return ofCorpus.Values.Distinct().Count() == 1 ? null : [.. corpora.Select(c => ofCorpus[c])];
    }
}
