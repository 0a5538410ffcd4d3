namespace SpeechEmotion.Engine.Ops;

/// <summary>One prepared launch of an op on one backend: what runs it, the outputs to compare, and the bytes it must
/// move at least (every input read once, every output written once).</summary>
public sealed record OpLaunch(Action Run, Tensor<float>[] Outputs, long Bytes);

/// <summary>Makes the tensors of one launch on <paramref name="backend"/>, counting their bytes: inputs uploaded,
/// outputs poisoned with NaN (an element a kernel should write and does not shows as NaN), in-place tensors
/// both.</summary>
public sealed class LaunchBuilder(IBackend<float> backend)
{
    private long _bytes;

    public IBackend<float> Backend => backend;

    public Tensor<float> In(float[] host, params int[] shape)
    {
        var t = backend.Allocate(shape);
        backend.Upload(host, t);
        _bytes += sizeof(float) * (long)t.Length;
        return t;
    }

    public Tensor<int> Ints(int[] values)
    {
        var t = backend.AllocateInts(values.Length);
        backend.Upload(values, t);
        _bytes += sizeof(int) * (long)values.Length;
        return t;
    }

    public Tensor<float> Out(params int[] shape) =>
        In(Enumerable.Repeat(float.NaN, Tensor<float>.ShapeLength(shape)).ToArray(), shape);

    /// <summary>Read and written in place (Adam's parameters and moments).</summary>
    public Tensor<float> InOut(float[] host, params int[] shape)
    {
        _bytes += sizeof(float) * (long)host.Length;
        return In(host, shape);
    }

    /// <summary>Host data the op's call uploads itself (the front end's samples).</summary>
    public void Reads(long bytes) => _bytes += bytes;

    public OpLaunch Launch(Action run, params Tensor<float>[] outputs) => new(run, outputs, _bytes);
}
