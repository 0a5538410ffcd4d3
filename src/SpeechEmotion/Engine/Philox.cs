namespace SpeechEmotion.Engine;

/// <summary>
/// Philox4x32-10 (Salmon et al., SC'11): a counter-based generator, the value for (key, counter) needs no state, so
/// CPU and GPU produce identical dropout masks. Written with plain integer ops so ILGPU kernels call it as is.
/// Counter = (index / 4, 0, step, stream), key = seed.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Element <paramref name="index"/> of the stream: word (index mod 4) of the block at counter (index / 4),
    /// so one 10-round block serves four consecutive elements.</summary>
    public static uint Next(ulong seed, ulong step, uint stream, uint index)
    {
        uint c0 = index >> 2, c1 = 0, c2 = (uint)step, c3 = stream ^ (uint)(step >> 32) * 0x85EBCA6Bu;
        Block(ref c0, ref c1, ref c2, ref c3, (uint)seed, (uint)(seed >> 32));
        uint word = index & 3;
        return word == 0 ? c0 : word == 1 ? c1 : word == 2 ? c2 : c3;
    }

    /// <summary>The ten Philox rounds on counter (c0..c3) with key (k0, k1); the result replaces the counter.</summary>
    public static void Block(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
    }

    /// <summary>Uniform in [0, 1) with 24 bits, exact in float.</summary>
    public static float Uniform(ulong seed, ulong step, uint stream, uint index) =>
        (Next(seed, step, stream, index) >> 8) * (1f / 16777216f);

    /// <summary>The dropout multiplier of element i: 0 if dropped, 1/(1 − p) if kept.</summary>
    public static float Keep(in DropoutSpec spec, int index) =>
        Uniform(spec.Seed, spec.Step, spec.Stream, (uint)index) >= spec.P ? 1f / (1f - spec.P) : 0f;

    /// <summary>
    /// Keep(spec, firstIndex + k) for k in [0, keep.Length), computing each 10-round block once for its four elements
    /// (the CPU's fast path; same values as <see cref="Keep"/>).
    /// </summary>
    public static void FillKeep(in DropoutSpec spec, int firstIndex, Span<float> keep)
    {
        float scale = 1f / (1f - spec.P);
        uint k0 = (uint)spec.Seed, k1 = (uint)(spec.Seed >> 32), c2 = (uint)spec.Step, c3 = spec.Stream ^ (uint)(spec.Step >> 32) * 0x85EBCA6Bu;
        Span<uint> words = stackalloc uint[4];
        uint block = uint.MaxValue;
        for (int k = 0; k < keep.Length; k++)
        {
            uint index = (uint)(firstIndex + k);
            if (index >> 2 != block)
            {
                block = index >> 2;
                uint w0 = block, w1 = 0, w2 = c2, w3 = c3;
                Block(ref w0, ref w1, ref w2, ref w3, k0, k1);
                (words[0], words[1], words[2], words[3]) = (w0, w1, w2, w3);
            }
            keep[k] = (words[(int)(index & 3)] >> 8) * (1f / 16777216f) >= spec.P ? scale : 0f;
        }
    }
}
