using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// All parameters of a model in four flat arenas (values, gradients, Adam's m and v), so that zeroing gradients, the
/// gradient norm and the Adam update are each one op over one buffer. Layers declare parameters, then
/// <see cref="Build"/> allocates the arenas and initialises the values from a seed.
/// </summary>
public sealed class ParameterSet<T>(IBackend<T> backend)
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly List<Parameter<T>> _parameters = [];

    public IReadOnlyList<Parameter<T>> All => _parameters;
    public int Count { get; private set; }
    public Tensor<T> Values { get; private set; } = null!;
    public Tensor<T> Grads { get; private set; } = null!;
    public Tensor<T> FirstMoments { get; private set; } = null!;
    public Tensor<T> SecondMoments { get; private set; } = null!;

    public Parameter<T> Add(string name, int[] shape, Init init, double bound = 0)
    {
        if (Values is not null)
            throw new InvalidOperationException("parameters cannot be added after Build");
        if (_parameters.Any(p => p.Name == name))
            throw new ArgumentException($"duplicate parameter name {name}");
        var p = new Parameter<T>(name, shape, init, bound) { Offset = Count };
        _parameters.Add(p);
        Count += p.Length;
        return p;
    }

    public Parameter<T> this[string name] =>
        _parameters.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"no parameter named {name}");

    /// <summary>Allocates the arenas and fills values with PyTorch's initialisation, seeded.</summary>
    public void Build(int seed)
    {
        Values = backend.Allocate(Count);
        Grads = backend.Allocate(Count);
        FirstMoments = backend.Allocate(Count);
        SecondMoments = backend.Allocate(Count);
        foreach (var p in _parameters)
        {
            p.Value = backend.View(Values, p.Offset, p.Shape);
            p.Grad = backend.View(Grads, p.Offset, p.Shape);
        }
        var host = new T[Count];
        var random = new Random(seed);
        foreach (var p in _parameters)
        {
            // Xavier uniform (nn.MultiheadAttention's in_proj): bound = √(6 / (fan_in + fan_out)).
            double bound = p.Init == Init.XavierUniform ? Math.Sqrt(6.0 / (p.Shape[0] + p.Shape[1])) : p.Bound;
            var slice = host.AsSpan(p.Offset, p.Length);
            for (int i = 0; i < slice.Length; i++)
                slice[i] = p.Init == Init.Zero ? T.Zero : T.CreateChecked((random.NextDouble() * 2 - 1) * bound);
        }
        backend.Upload(host, Values);
    }

    public T[] DownloadValues()
    {
        var host = new T[Count];
        backend.Download(Values, host);
        return host;
    }

    public void UploadValues(ReadOnlySpan<T> host) => backend.Upload(host, Values);

    public void ZeroGrads() => backend.Fill(Grads, T.Zero);
}
