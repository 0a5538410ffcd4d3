using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Convolution + ReLU before the GRU, computed as Unfold (im2col, <see cref="UnfoldShape"/>) then one GEMM; "same"
/// padding, frames outside the utterance and bands outside the frame count as zeros. Over time only (Bands = 1):
/// y[b, t] = ReLU(W ⋆ x[b, t − K/2 … t + K/2] + bias), PyTorch nn.Conv1d names and layout ({prefix}.weight [C,F,K]).
/// Over time × bands: nn.Conv2d on the image [F/Bands channels, Bands, T] with stride (S, 1), weight [C, Cin, Kf, Kt],
/// and y[b, t, p·C + c] is output channel c at band position p. Bias [C]; initialisation U(±1/√(Cin·Kf·Kt)) as
/// PyTorch's. Rows of padded frames hold ReLU(bias); the GRU never reads them and gives them zero gradient.
/// </summary>
public sealed class ConvLayer<T> : ILayer<T>, IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly IBackend<T> _backend;
    private readonly Workspace<T> _ws;
    private readonly Parameter<T> _weight,
        _bias;
    private readonly UnfoldShape _shape;
    private BatchContext _batch = null!;

    public ConvLayer(
        IBackend<T> backend,
        ParameterSet<T> parameters,
        string prefix,
        int inputSize,
        int channels,
        UnfoldShape shape
    )
    {
        shape.Validate(inputSize);
        _backend = backend;
        _ws = new Workspace<T>(backend);
        _shape = shape;
        Name = prefix;
        InputSize = inputSize;
        Channels = channels;
        OutputSize = channels * shape.Positions;
        int[] weightShape =
            shape.Bands == 1
                ? [channels, inputSize, shape.Kernel]
                : [channels, shape.Channels(inputSize), shape.BandKernel, shape.Kernel];
        double bound = 1 / Math.Sqrt(shape.ColumnWidth(inputSize));
        _weight = parameters.Add($"{prefix}.weight", weightShape, Init.Uniform, bound);
        _bias = parameters.Add($"{prefix}.bias", [channels], Init.Uniform, bound);
        Parameters = [_weight, _bias];
    }

    public string Name { get; }
    public int InputSize { get; }
    public int Channels { get; }

    /// <summary>Values per frame of the output: Channels at each band position.</summary>
    public int OutputSize { get; }
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>False for the first layer of a model: nothing needs dL/dspectrogram during training.</summary>
    public bool ComputeInputGradient { get; set; } = true;

    private int Rows(BatchContext batch) => batch.Batch * batch.Steps * _shape.Positions;

    private Tensor<T> Cols(BatchContext batch, string name) =>
        _ws.Get(name, batch.Batch, batch.Steps, _shape.FrameColumns(InputSize));

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        _batch = batch;
        var cols = Cols(batch, "cols");
        _backend.Unfold(input, batch.Lengths, _shape, cols);
        var z = _ws.Get("z", batch.Batch, batch.Steps, OutputSize);
        _backend.Gemm(
            cols,
            false,
            _weight.Value,
            true,
            z,
            Rows(batch),
            Channels,
            _shape.ColumnWidth(InputSize),
            T.One,
            T.Zero
        );
        _backend.AddBias(z, _bias.Value);
        var y = _ws.Get("y", batch.Batch, batch.Steps, OutputSize);
        _backend.Relu(z, y);
        return y;
    }

    // With cols [rows = B·T·P, Cin·Kf·Kt] and dz [rows, C]:
    // dz = dy ⊙ [y > 0];  dW += dzᵀ·cols,  db += Σ_rows dz;  dcols = dz·W,  dx = Unfoldᵀ(dcols) (UnfoldBackward).
    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        var batch = _batch;
        int width = _shape.ColumnWidth(InputSize);
        var dz = _ws.Get("dz", batch.Batch, batch.Steps, OutputSize);
        _backend.ReluBackward(_ws.Get("y", batch.Batch, batch.Steps, OutputSize), dOutput, dz);
        _backend.Gemm(dz, true, Cols(batch, "cols"), false, _weight.Grad, Channels, width, Rows(batch), T.One, T.One);
        _backend.BiasGrad(dz, _bias.Grad);
        if (!ComputeInputGradient)
            return null;
        var dCols = Cols(batch, "dcols");
        _backend.Gemm(dz, false, _weight.Value, false, dCols, Rows(batch), width, Channels, T.One, T.Zero);
        var dx = _ws.Get("dx", batch.Batch, batch.Steps, InputSize);
        _backend.UnfoldBackward(dCols, batch.Lengths, _shape, dx);
        return dx;
    }

    public void Dispose() => _ws.Dispose();
}
