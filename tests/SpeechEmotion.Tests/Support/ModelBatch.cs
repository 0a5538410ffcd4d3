using System.Numerics;
using SpeechEmotion.Engine;
using SpeechEmotion.Model;

namespace SpeechEmotion.Tests.Support;

/// <summary>A padded batch uploaded to a backend (features [B, T, F], lengths, targets), and one forward + loss +
/// backward on it with the results copied back to the host: what the model-level tests share.</summary>
internal sealed class ModelBatch<T>(
    IBackend<T> backend,
    T[] features,
    int[] lengths,
    int steps,
    int width,
    int[] targets
)
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public Tensor<T> Input { get; } = Uploaded(backend, features, lengths.Length, steps, width);
    public Tensor<int> Lengths { get; } = Uploaded(backend, lengths);
    public Tensor<int> Targets { get; } = Uploaded(backend, targets);

    public BatchContext Context(bool training, ulong seed, ulong step) =>
        new(lengths, Lengths, steps, training, seed, step);

    /// <summary>Logits, loss and every parameter gradient of one step (gradients zeroed first).</summary>
    public (T[] Logits, double Loss, T[] Grads) Gradients(SerModel<T> model, BatchContext context)
    {
        var logits = model.Forward(Input, context);
        var host = new T[logits.Length];
        backend.Download(logits, host);
        double loss = model.Loss(logits, Targets, null, null, out var dLogits);
        model.Parameters.ZeroGrads();
        model.Backward(dLogits);
        var grads = new T[model.Parameters.Count];
        backend.Download(model.Parameters.Grads, grads);
        return (host, loss, grads);
    }

    private static Tensor<T> Uploaded(IBackend<T> backend, T[] features, int batch, int steps, int width)
    {
        var t = backend.Allocate(batch, steps, width);
        backend.Upload(features, t);
        return t;
    }

    private static Tensor<int> Uploaded(IBackend<T> backend, int[] values)
    {
        var t = backend.AllocateInts(values.Length);
        backend.Upload(values, t);
        return t;
    }
}
