using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>Masked mean over the valid frames of each utterance: [B, T, E] → [B, E].</summary>
public sealed class PoolingLayer<T>(IBackend<T> backend, int width) : ILayer<T>, IDisposable where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Workspace<T> _ws = new(backend);
    private BatchContext _batch = null!;

    public string Name => "pool";
    public IReadOnlyList<Parameter<T>> Parameters => [];

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        _batch = batch;
        var output = _ws.Get("out", batch.Batch, width);
        backend.MaskedMeanPool(input, batch.Lengths, output);
        return output;
    }

    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        var dInput = _ws.Get("dx", _batch.Batch, _batch.Steps, width);
        backend.MaskedMeanPoolBackward(dOutput, _batch.Lengths, dInput);
        return dInput;
    }

    public void Dispose() => _ws.Dispose();
}
