using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Temporal convolution over the frames + ReLU, before the GRU: y[b, t] = ReLU(W ⋆ x[b, t − K/2 … t + K/2] + bias),
/// "same" padding, frames outside the utterance count as zeros. PyTorch nn.Conv1d names and layout ({prefix}.weight
/// [C,F,K], {prefix}.bias [C]) and initialisation U(±1/√(F·K)); computed as Unfold (im2col) then one GEMM. Rows of
/// padded frames hold ReLU(bias); the GRU never reads them and gives them zero gradient.
/// </summary>
public sealed class ConvLayer<T> : ILayer<T>, IDisposable where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly IBackend<T> _backend;
    private readonly Workspace<T> _ws;
    private readonly Parameter<T> _weight, _bias;
    private BatchContext _batch = null!;

    public ConvLayer(IBackend<T> backend, ParameterSet<T> parameters, string prefix, int inputSize, int channels, int kernel)
    {
        if (kernel < 1 || kernel % 2 == 0) throw new ArgumentException($"convolution kernel must be odd and positive, got {kernel}");
        _backend = backend;
        _ws = new Workspace<T>(backend);
        Name = prefix;
        InputSize = inputSize;
        Channels = channels;
        Kernel = kernel;
        double bound = 1 / Math.Sqrt(inputSize * kernel);
        _weight = parameters.Add($"{prefix}.weight", [channels, inputSize, kernel], Init.Uniform, bound);
        _bias = parameters.Add($"{prefix}.bias", [channels], Init.Uniform, bound);
        Parameters = [_weight, _bias];
    }

    public string Name { get; }
    public int InputSize { get; }
    public int Channels { get; }
    public int Kernel { get; }
    public IReadOnlyList<Parameter<T>> Parameters { get; }
    /// <summary>False for the first layer of a model: nothing needs dL/dspectrogram during training.</summary>
    public bool ComputeInputGradient { get; set; } = true;

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        _batch = batch;
        int rows = batch.Batch * batch.Steps, width = InputSize * Kernel;
        var cols = _ws.Get("cols", batch.Batch, batch.Steps, width);
        _backend.Unfold(input, batch.Lengths, Kernel, cols);
        var z = _ws.Get("z", batch.Batch, batch.Steps, Channels);
        _backend.Gemm(cols, false, _weight.Value, true, z, rows, Channels, width, T.One, T.Zero);
        _backend.AddBias(z, _bias.Value);
        var y = _ws.Get("y", batch.Batch, batch.Steps, Channels);
        _backend.Relu(z, y);
        return y;
    }

    // dz = dy ⊙ [y > 0];  dW += dzᵀ·cols,  db += Σ_rows dz;  dcols = dz·W,  dx = Unfoldᵀ(dcols) (UnfoldBackward).
    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        var batch = _batch;
        int rows = batch.Batch * batch.Steps, width = InputSize * Kernel;
        var dz = _ws.Get("dz", batch.Batch, batch.Steps, Channels);
        _backend.ReluBackward(_ws.Get("y", batch.Batch, batch.Steps, Channels), dOutput, dz);
        var cols = _ws.Get("cols", batch.Batch, batch.Steps, width);
        _backend.Gemm(dz, true, cols, false, _weight.Grad, Channels, width, rows, T.One, T.One);
        _backend.BiasGrad(dz, _bias.Grad);
        if (!ComputeInputGradient) return null;
        var dCols = _ws.Get("dcols", batch.Batch, batch.Steps, width);
        _backend.Gemm(dz, false, _weight.Value, false, dCols, rows, width, Channels, T.One, T.Zero);
        var dx = _ws.Get("dx", batch.Batch, batch.Steps, InputSize);
        _backend.UnfoldBackward(dCols, batch.Lengths, Kernel, dx);
        return dx;
    }

    public void Dispose() => _ws.Dispose();
}
