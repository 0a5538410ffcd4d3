using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// A layer with explicit forward and backward and its own cached activations (no autograd graph). Backward
/// accumulates into the parameter gradients and returns dL/dinput (or null when the layer was told not to compute it).
/// </summary>
public interface ILayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    string Name { get; }
    IReadOnlyList<Parameter<T>> Parameters { get; }
    Tensor<T> Forward(Tensor<T> input, BatchContext batch);
    Tensor<T>? Backward(Tensor<T> dOutput);
}
