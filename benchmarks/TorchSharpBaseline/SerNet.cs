using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchSharpBaseline;

/// <summary>
/// The identical network in TorchSharp: nn.GRU (bidirectional, packed by length), nn.MultiheadAttention with a
/// key-padding mask, masked mean pooling, Linear + ReLU, Linear. Module and parameter names match SpeechEmotion's.
/// </summary>
public sealed class SerNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GRU gru;
    private readonly MultiheadAttention? attention;
    private readonly Linear fc1,
        fc2;
    private readonly int _heads;

    public SerNet(int input, int hidden, int heads, bool useAttention, int fc, int classes)
        : base("SerNet")
    {
        _heads = heads;
        gru = nn.GRU(input, hidden, bidirectional: true, batchFirst: true);
        attention = useAttention ? nn.MultiheadAttention(2 * hidden, heads) : null;
        fc1 = nn.Linear(2 * hidden, fc);
        fc2 = nn.Linear(fc, classes);
        RegisterComponents();
    }

    /// <summary>x [B, T, F] zero-padded, lengths [B] (int64, on the CPU) → logits [B, C].</summary>
    public override Tensor forward(Tensor x, Tensor lengths)
    {
        long steps = x.shape[1];
        var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first: true, enforce_sorted: false);
        var (packedOut, _) = gru.call(packed);
        var (y, _) = nn.utils.rnn.pad_packed_sequence(packedOut, batch_first: true, total_length: steps);
        var valid = arange(steps).unsqueeze(0) < lengths.unsqueeze(1); // [B, T]
        if (attention is not null)
        {
            var t = y.transpose(0, 1); // MultiheadAttention takes [T, B, E]
            var (o, _) = attention.call(t, t, t, key_padding_mask: valid.logical_not(), need_weights: false);
            y = o.transpose(0, 1);
        }
        var mask = valid.unsqueeze(2).to_type(y.dtype);
        var pooled = (y * mask).sum(1) / lengths.unsqueeze(1).to_type(y.dtype);
        return fc2.call(nn.functional.relu(fc1.call(pooled)));
    }
}
