using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Named scratch buffers of a layer that grow to the largest batch seen and are handed out as views, so that a
/// training step allocates nothing once the longest batch has been through.
/// </summary>
public sealed class Workspace<T>(IBackend<T> backend) : IDisposable where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Dictionary<string, Tensor<T>> _buffers = [];

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

    public void Dispose()
    {
        foreach (var b in _buffers.Values) b.Dispose();
        _buffers.Clear();
    }
}
