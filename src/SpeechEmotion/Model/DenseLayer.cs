using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b over the last dimension, optionally followed by ReLU. PyTorch nn.Linear names
/// ({prefix}.weight [out,in], {prefix}.bias [out]) and initialisation U(±1/√in).
/// </summary>
public sealed class DenseLayer<T> : ILayer<T>, IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly IBackend<T> _backend;
    private readonly Workspace<T> _ws;
    private readonly Parameter<T> _weight,
        _bias;
    private Tensor<T> _input = null!;
    private int _rows;

    public DenseLayer(
        IBackend<T> backend,
        ParameterSet<T> parameters,
        string prefix,
        int inputSize,
        int outputSize,
        bool relu
    )
    {
        _backend = backend;
        _ws = new Workspace<T>(backend);
        Name = prefix;
        InputSize = inputSize;
        OutputSize = outputSize;
        Relu = relu;
        double bound = 1 / Math.Sqrt(inputSize);
        _weight = parameters.Add($"{prefix}.weight", [outputSize, inputSize], Init.Uniform, bound);
        _bias = parameters.Add($"{prefix}.bias", [outputSize], Init.Uniform, bound);
        Parameters = [_weight, _bias];
    }

    public string Name { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool Relu { get; }
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        _input = input;
        _rows = input.Length / InputSize;
        var z = _ws.Get("z", _rows, OutputSize);
        _backend.Gemm(input, false, _weight.Value, true, z, _rows, OutputSize, InputSize, T.One, T.Zero);
        _backend.AddBias(z, _bias.Value);
        if (!Relu)
            return z;
        var y = _ws.Get("y", _rows, OutputSize);
        _backend.Relu(z, y);
        return y;
    }

    // dz = dy ⊙ [y > 0] (ReLU) or dy;  dW += dzᵀ·x,  db += Σ_rows dz,  dx = dz·W
    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        var dz = dOutput;
        if (Relu)
        {
            dz = _ws.Get("dz", _rows, OutputSize);
            _backend.ReluBackward(_ws.Get("y", _rows, OutputSize), dOutput, dz);
        }
        _backend.Gemm(dz, true, _input, false, _weight.Grad, OutputSize, InputSize, _rows, T.One, T.One);
        _backend.BiasGrad(dz, _bias.Grad);
        var dx = _ws.Get("dx", _rows, InputSize);
        _backend.Gemm(dz, false, _weight.Value, false, dx, _rows, InputSize, OutputSize, T.One, T.Zero);
        return dx;
    }

    public void Dispose() => _ws.Dispose();
}
