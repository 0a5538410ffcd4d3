namespace SpeechEmotion.Engine;

/// <summary>
/// L1: mean over all B×C elements of |softmax(logits) − onehot| (the paper's loss, PyTorch L1Loss on the softmax).
/// CrossEntropy: mean of −log softmax(logits)[target]. With class weights w, each utterance counts w[target] and the
/// mean divides by Σ w[target] (as PyTorch's weighted CrossEntropyLoss).
/// </summary>
public enum LossKind
{
    L1,
    CrossEntropy,
}
