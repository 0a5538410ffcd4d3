using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Multi-head scaled dot-product self-attention with key-padding mask and dropout on the probabilities, laid out as
/// PyTorch's nn.MultiheadAttention: {prefix}.in_proj_weight [3E,E] (Q|K|V stacked, Xavier uniform), in_proj_bias [3E]
/// (zero), out_proj.weight [E,E] (U(±1/√E)), out_proj.bias [E] (zero).
/// </summary>
public sealed class AttentionLayer<T> : ILayer<T>, IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Philox stream of the attention dropout (the output dropout uses another).</summary>
    public const uint DropoutStream = 1;

    private readonly IBackend<T> _backend;
    private readonly Workspace<T> _ws;
    private readonly Parameter<T> _win,
        _bin,
        _wout,
        _bout;
    private Tensor<T> _input = null!;
    private BatchContext _batch = null!;

    public AttentionLayer(
        IBackend<T> backend,
        ParameterSet<T> parameters,
        string prefix,
        int embed,
        int heads,
        float dropout
    )
    {
        if (heads < 1 || embed % heads != 0)
            throw new ArgumentException($"{heads} heads do not divide the embedding size {embed}");
        _backend = backend;
        _ws = new Workspace<T>(backend);
        Name = prefix;
        Embed = embed;
        Heads = heads;
        DropoutP = dropout;
        _win = parameters.Add($"{prefix}.in_proj_weight", [3 * embed, embed], Init.XavierUniform);
        _bin = parameters.Add($"{prefix}.in_proj_bias", [3 * embed], Init.Zero);
        _wout = parameters.Add($"{prefix}.out_proj.weight", [embed, embed], Init.Uniform, 1 / Math.Sqrt(embed));
        _bout = parameters.Add($"{prefix}.out_proj.bias", [embed], Init.Zero);
        Parameters = [_win, _bin, _wout, _bout];
    }

    public string Name { get; }
    public int Embed { get; }
    public int Heads { get; }
    public float DropoutP { get; }
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        _input = input;
        _batch = batch;
        int rows = batch.Batch * batch.Steps,
            e = Embed;
        var qkv = _ws.Get("qkv", batch.Batch, batch.Steps, 3 * e);
        _backend.Gemm(input, false, _win.Value, true, qkv, rows, 3 * e, e, T.One, T.Zero);
        _backend.AddBias(qkv, _bin.Value);
        var context = _ws.Get("context", batch.Batch, batch.Steps, e);
        _backend.AttentionForward(
            qkv,
            batch.Lengths,
            Heads,
            batch.Dropout(DropoutP, DropoutStream),
            _ws.Get("probs", batch.Batch, Heads, batch.Steps, batch.Steps),
            context
        );
        var output = _ws.Get("out", batch.Batch, batch.Steps, e);
        _backend.Gemm(context, false, _wout.Value, true, output, rows, e, e, T.One, T.Zero);
        _backend.AddBias(output, _bout.Value);
        return output;
    }

    // out = C·W_oᵀ + b_o:   dC = dOut·W_o,  dW_o += dOutᵀ·C,  db_o += Σ_rows dOut
    // core (CpuBackend.Attention.cs) gives dQKV;  QKV = X·W_inᵀ + b_in:  dW_in += dQKVᵀ·X,  db_in += Σ dQKV,  dX =
    // dQKV·W_in
    public Tensor<T>? Backward(Tensor<T> dOutput)
    {
        var batch = _batch;
        int rows = batch.Batch * batch.Steps,
            e = Embed;
        var context = _ws.Get("context", batch.Batch, batch.Steps, e);
        var dContext = _ws.Get("dcontext", batch.Batch, batch.Steps, e);
        _backend.Gemm(dOutput, false, _wout.Value, false, dContext, rows, e, e, T.One, T.Zero);
        _backend.Gemm(dOutput, true, context, false, _wout.Grad, e, e, rows, T.One, T.One);
        _backend.BiasGrad(dOutput, _bout.Grad);
        var qkv = _ws.Get("qkv", batch.Batch, batch.Steps, 3 * e);
        var dQkv = _ws.Get("dqkv", batch.Batch, batch.Steps, 3 * e);
        _backend.AttentionBackward(
            dContext,
            qkv,
            _ws.Get("probs", batch.Batch, Heads, batch.Steps, batch.Steps),
            batch.Lengths,
            Heads,
            batch.Dropout(DropoutP, DropoutStream),
            dQkv
        );
        _backend.Gemm(dQkv, true, _input, false, _win.Grad, 3 * e, e, rows, T.One, T.One);
        _backend.BiasGrad(dQkv, _bin.Grad);
        var dInput = _ws.Get("dx", batch.Batch, batch.Steps, e);
        _backend.Gemm(dQkv, false, _win.Value, false, dInput, rows, e, 3 * e, T.One, T.Zero);
        return dInput;
    }

    public void Dispose() => _ws.Dispose();
}
