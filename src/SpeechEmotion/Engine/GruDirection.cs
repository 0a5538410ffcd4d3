namespace SpeechEmotion.Engine;

/// <summary>
/// One GRU direction's tensors for the recurrence ops, which run all given directions in one call (on a GPU: one
/// launch). Gi [B,T,3H] = x·W_ihᵀ + b_ih; Whh [3H,H]; Bhh [3H]; the direction writes h_t into the output's columns
/// [Column, Column+H). Gates [B,T,4H] caches r, z, n and W_hn·h + b_hn; Hprev [B,T,H] the state each step started
/// from. Backward fills DGi [B,T,3H] (gradient of the input pre-activations) and DGh [B,T,3H] (of W_hh·h + b_hh).
/// </summary>
public sealed record GruDirection<T>(
    bool Reverse,
    int Column,
    Tensor<T> Gi,
    Tensor<T> Whh,
    Tensor<T> Bhh,
    Tensor<T> Gates,
    Tensor<T> Hprev,
    Tensor<T>? DGi = null,
    Tensor<T>? DGh = null
)
    where T : unmanaged;
