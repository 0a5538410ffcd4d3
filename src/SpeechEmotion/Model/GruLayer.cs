using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>Which directions a GRU runs; Both concatenates forward and reverse outputs as [B, T, 2H].</summary>
public enum GruDirections
{
    Forward,
    Reverse,
    Both,
}

/// <summary>
/// (Bi-)GRU in the PyTorch/cuDNN convention (gates r, z, n stacked; r multiplies W_hn·h + b_hn). The paper's eq. (5)
/// uses Cho et al.'s original form n = tanh(W x + U(r ⊙ h)); we use the cuDNN form because the recurrent product
/// W_hh·h is then one GEMM per step for all three gates, and weights interchange exactly with PyTorch/TorchSharp.
/// Parameters: {prefix}.weight_ih_l0 [3H,F], weight_hh_l0 [3H,H], bias_ih_l0, bias_hh_l0 [3H] (+ _reverse), all
/// U(−1/√H, 1/√H) as PyTorch initialises them.
/// </summary>
public sealed class GruLayer<T> : ILayer<T>, IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly IBackend<T> _backend;
    private readonly Workspace<T> _ws;
    private readonly (bool Reverse, Parameter<T> Wih, Parameter<T> Whh, Parameter<T> Bih, Parameter<T> Bhh)[] _dirs;
    private Tensor<T> _input = null!;
    private BatchContext _batch = null!;

    public GruLayer(
        IBackend<T> backend,
        ParameterSet<T> parameters,
        string prefix,
        int inputSize,
        int hidden,
        GruDirections directions = GruDirections.Both
    )
    {
        _backend = backend;
        _ws = new Workspace<T>(backend);
        InputSize = inputSize;
        Hidden = hidden;
        Name = prefix;
        bool[] reverse = directions switch
        {
            GruDirections.Forward => [false],
            GruDirections.Reverse => [true],
            _ => [false, true],
        };
        double bound = 1 / Math.Sqrt(hidden);
        _dirs = reverse
            .Select(r =>
            {
                string suffix = r ? "_l0_reverse" : "_l0";
                return (
                    r,
                    parameters.Add($"{prefix}.weight_ih{suffix}", [3 * hidden, inputSize], Init.Uniform, bound),
                    parameters.Add($"{prefix}.weight_hh{suffix}", [3 * hidden, hidden], Init.Uniform, bound),
                    parameters.Add($"{prefix}.bias_ih{suffix}", [3 * hidden], Init.Uniform, bound),
                    parameters.Add($"{prefix}.bias_hh{suffix}", [3 * hidden], Init.Uniform, bound)
                );
            })
            .ToArray();
        Parameters = _dirs.SelectMany(d => new[] { d.Wih, d.Whh, d.Bih, d.Bhh }).ToList();
    }

    public string Name { get; }
    public int InputSize { get; }
    public int Hidden { get; }
    public int OutputSize => _dirs.Length * Hidden;
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>False for the first layer of a model: nothing needs dL/dspectrogram during training.</summary>
    public bool ComputeInputGradient { get; set; } = true;

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        _input = input;
        _batch = batch;
        int rows = batch.Batch * batch.Steps,
            h = Hidden;
        var output = _ws.Get("out", batch.Batch, batch.Steps, OutputSize);
        var directions = new GruDirection<T>[_dirs.Length];
        for (int d = 0; d < _dirs.Length; d++)
        {
            var dir = _dirs[d];
            var gi = _ws.Get($"gi{d}", batch.Batch, batch.Steps, 3 * h);
            _backend.Gemm(input, false, dir.Wih.Value, true, gi, rows, 3 * h, InputSize, T.One, T.Zero);
            _backend.AddBias(gi, dir.Bih.Value);
            directions[d] = new GruDirection<T>(
                dir.Reverse,
                d * h,
                gi,
                dir.Whh.Value,
                dir.Bhh.Value,
                _ws.Get($"gates{d}", batch.Batch, batch.Steps, 4 * h),
                _ws.Get($"hprev{d}", batch.Batch, batch.Steps, h)
            );
        }
        _backend.GruForward(directions, batch.Lengths, output);
        return output;
    }

    // Both directions' BPTT in one op (formulas in CpuBackend.Gru.cs), then per direction from its dGi/dGh:
    //   dW_hh += dGhᵀ·H_prev,  db_hh += Σ_rows dGh,  dW_ih += dGiᵀ·X,  db_ih += Σ_rows dGi,  dX += dGi·W_ih.
    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        var batch = _batch;
        int rows = batch.Batch * batch.Steps,
            h = Hidden;
        var dInput = ComputeInputGradient ? _ws.Get("dx", batch.Batch, batch.Steps, InputSize) : null;
        var directions = _dirs
            .Select(
                (dir, d) =>
                    new GruDirection<T>(
                        dir.Reverse,
                        d * h,
                        _ws.Get($"gi{d}", batch.Batch, batch.Steps, 3 * h),
                        dir.Whh.Value,
                        dir.Bhh.Value,
                        _ws.Get($"gates{d}", batch.Batch, batch.Steps, 4 * h),
                        _ws.Get($"hprev{d}", batch.Batch, batch.Steps, h),
                        _ws.Get($"dGi{d}", batch.Batch, batch.Steps, 3 * h),
                        _ws.Get($"dGh{d}", batch.Batch, batch.Steps, 3 * h)
                    )
            )
            .ToArray();
        _backend.GruBackward(dOutput, directions, batch.Lengths);
        for (int d = 0; d < _dirs.Length; d++)
        {
            var (dir, dGi, dGh, hprev) = (_dirs[d], directions[d].DGi!, directions[d].DGh!, directions[d].Hprev);
            _backend.Gemm(dGh, true, hprev, false, dir.Whh.Grad, 3 * h, h, rows, T.One, T.One);
            _backend.BiasGrad(dGh, dir.Bhh.Grad);
            _backend.Gemm(dGi, true, _input, false, dir.Wih.Grad, 3 * h, InputSize, rows, T.One, T.One);
            _backend.BiasGrad(dGi, dir.Bih.Grad);
            if (dInput is not null)
                _backend.Gemm(
                    dGi,
                    false,
                    dir.Wih.Value,
                    false,
                    dInput,
                    rows,
                    InputSize,
                    3 * h,
                    T.One,
                    d == 0 ? T.Zero : T.One
                );
        }
        return dInput;
    }

    public void Dispose() => _ws.Dispose();
}
