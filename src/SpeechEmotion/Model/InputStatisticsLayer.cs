using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Puts the mean and standard deviation of the model's input features over each utterance's valid frames
/// (utterance-level functionals, the inputs of classic SVM systems) beside the pooled network output:
/// [B, P] → [B, P + 2F]. Needs the model input, which <paramref name="modelInput"/> returns during a forward pass.
/// </summary>
public sealed class InputStatisticsLayer<T>(
    IBackend<T> backend,
    int pooledWidth,
    int inputWidth,
    Func<Tensor<T>> modelInput
) : ILayer<T>, IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Workspace<T> _ws = new(backend);
    private int _batch;

    public string Name => "input-stats";
    public IReadOnlyList<Parameter<T>> Parameters => [];
    public int OutputWidth => pooledWidth + 2 * inputWidth;

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        _batch = batch.Batch;
        var stats = _ws.Get("stats", batch.Batch, 2 * inputWidth);
        backend.StatisticsPool(modelInput(), batch.Lengths, stats);
        var output = _ws.Get("out", batch.Batch, OutputWidth);
        backend.CopyColumns(input, 0, output, 0, pooledWidth);
        backend.CopyColumns(stats, 0, output, pooledWidth, 2 * inputWidth);
        return output;
    }

    // y = [pooled | stats(features)]; the features need no gradient, so dL/dpooled = dL/dy[:, :P].
    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        var dPooled = _ws.Get("dx", _batch, pooledWidth);
        backend.CopyColumns(dOutput, 0, dPooled, 0, pooledWidth);
        return dPooled;
    }

    public void Dispose() => _ws.Dispose();
}
