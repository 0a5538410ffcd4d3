using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>Inverted dropout with a counter-based mask (see <see cref="DropoutSpec"/>); the identity when not
/// training.</summary>
public sealed class DropoutLayer<T>(IBackend<T> backend, float p, uint stream) : ILayer<T>, IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Workspace<T> _ws = new(backend);
    private DropoutSpec _spec;
    private int[] _shape = [];

    public string Name => "dropout";
    public IReadOnlyList<Parameter<T>> Parameters => [];

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        _spec = batch.Dropout(p, stream);
        _shape = input.Shape;
        if (!_spec.Active)
            return input;
        var y = _ws.Get("y", input.Shape);
        backend.Dropout(input, y, _spec);
        return y;
    }

    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        if (!_spec.Active)
            return dOutput;
        var dx = _ws.Get("dx", _shape);
        backend.DropoutBackward(dOutput, dx, _spec);
        return dx;
    }

    public void Dispose() => _ws.Dispose();
}
