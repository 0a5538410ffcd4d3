using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Masked pooling over the valid frames of each utterance: the mean ([B, T, E] → [B, E], the paper's) or the mean and
/// standard deviation ([B, T, E] → [B, 2E], <see cref="PoolingKind.MeanStd"/>).
/// </summary>
public sealed class PoolingLayer<T>(IBackend<T> backend, int width, PoolingKind kind = PoolingKind.Mean)
    : ILayer<T>,
        IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Workspace<T> _ws = new(backend);
    private BatchContext _batch = null!;
    private Tensor<T> _input = null!,
        _output = null!;

    public string Name => "pool";
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <summary>Values per utterance after pooling.</summary>
    public static int OutputWidth(int width, PoolingKind kind) => kind == PoolingKind.MeanStd ? 2 * width : width;

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        (_batch, _input) = (batch, input);
        _output = _ws.Get("out", batch.Batch, OutputWidth(width, kind));
        if (kind == PoolingKind.MeanStd)
            backend.StatisticsPool(input, batch.Lengths, _output);
        else
            backend.MaskedMeanPool(input, batch.Lengths, _output);
        return _output;
    }

    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        var dInput = _ws.Get("dx", _batch.Batch, _batch.Steps, width);
        if (kind == PoolingKind.MeanStd)
            backend.StatisticsPoolBackward(dOutput, _input, _output, _batch.Lengths, dInput);
        else
            backend.MaskedMeanPoolBackward(dOutput, _batch.Lengths, dInput);
        return dInput;
    }

    public void Dispose() => _ws.Dispose();
}
