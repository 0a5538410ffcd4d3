using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Named scratch buffers of a layer that grow to the largest batch seen and are handed out as views, so that a
/// training step allocates nothing once the longest batch has been through.
/// </summary>
public sealed class Workspace<T>(IBackend<T> backend) : IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Dictionary<string, Tensor<T>> _buffers = [];
    private readonly Dictionary<(string, int), Tensor<int>> _ints = [];

    public Tensor<T> Get(string name, params int[] shape)
    {
        int length = Tensor<T>.ShapeLength(shape);
        if (!_buffers.TryGetValue(name, out var buffer) || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = backend.Allocate(Math.Max(length, 1));
            _buffers[name] = buffer;
        }
        return backend.View(buffer, 0, shape);
    }

    /// <summary>An integer tensor of exactly <paramref name="length"/> elements (lengths, targets), one per name and
    /// length:
    /// ops read the batch size from its length, so it cannot be a view of a larger one.</summary>
    public Tensor<int> Ints(string name, int length)
    {
        if (!_ints.TryGetValue((name, length), out var tensor))
            _ints[(name, length)] = tensor = backend.AllocateInts(length);
        return tensor;
    }

    public void Dispose()
    {
        foreach (var b in _buffers.Values)
            b.Dispose();
        foreach (var t in _ints.Values)
            t.Dispose();
        _buffers.Clear();
        _ints.Clear();
    }
}
