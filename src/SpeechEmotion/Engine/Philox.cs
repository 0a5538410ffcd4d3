using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpeechEmotion.Engine;

/// <summary>
/// Philox4x32-10 (Salmon et al., SC'11): a counter-based generator, the value for (key, counter) needs no state, so
/// CPU and GPU produce identical dropout masks. Written with plain integer ops so ILGPU kernels call it as is.
/// Counter = (index / 4, 0, step, stream), key = seed.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53,
        M1 = 0xCD9E8D57,
        W0 = 0x9E3779B9,
        W1 = 0xBB67AE85;

    /// <summary>Element <paramref name="index"/> of the stream: word (index mod 4) of the block at counter (index / 4),
    /// so one 10-round block serves four consecutive elements.</summary>
    public static uint Next(ulong seed, ulong step, uint stream, uint index)
    {
        uint c0 = index >> 2,
            c1 = 0,
            c2 = (uint)step,
            c3 = stream ^ (uint)(step >> 32) * 0x85EBCA6Bu;
        Block(ref c0, ref c1, ref c2, ref c3, (uint)seed, (uint)(seed >> 32));
        uint word = index & 3;
        return word == 0 ? c0
            : word == 1 ? c1
            : word == 2 ? c2
            : c3;
    }

    /// <summary>The ten Philox rounds on counter (c0..c3) with key (k0, k1); the result replaces the counter.</summary>
    public static void Block(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
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
    /// Keep(spec, firstIndex + k) for k in [0, keep.Length): the CPU's fast path, same values as <see cref="Keep"/>.
    /// Each 10-round block serves four consecutive elements, and independent blocks run interleaved so that their
    /// multiply chains overlap (one block alone is a 10-deep chain of dependent multiplies): with AVX2 sixteen blocks
    /// (64 elements) in two vectors of eight, else four.
    /// </summary>
    public static void FillKeep(in DropoutSpec spec, int firstIndex, Span<float> keep)
    {
        var mask = new MaskWriter(spec);
        int k = 0;
        for (; k < keep.Length && ((firstIndex + k) & 3) != 0; k++)
            keep[k] = Keep(spec, firstIndex + k);
        if (Avx2.IsSupported)
            for (; k + 64 <= keep.Length; k += 64)
                mask.SixtyFour((uint)(firstIndex + k) >> 2, keep.Slice(k, 64));
        for (; k + 16 <= keep.Length; k += 16)
            mask.Sixteen((uint)(firstIndex + k) >> 2, keep.Slice(k, 16));
        for (; k < keep.Length; k++)
            keep[k] = Keep(spec, firstIndex + k);
    }

    private readonly struct MaskWriter(in DropoutSpec spec)
    {
        private readonly uint _k0 = (uint)spec.Seed,
            _k1 = (uint)(spec.Seed >> 32),
            _c2 = (uint)spec.Step,
            _c3 = spec.Stream ^ (uint)(spec.Step >> 32) * 0x85EBCA6Bu;
        private readonly float _p = spec.P,
            _scale = 1f / (1f - spec.P);

        /// <summary>Elements 4·block … 4·block + 15: blocks block … block + 3, interleaved round by round.</summary>
        public void Sixteen(uint block, Span<float> keep)
        {
            uint a0 = block,
                a1 = 0,
                a2 = _c2,
                a3 = _c3,
                b0 = block + 1,
                b1 = 0,
                b2 = _c2,
                b3 = _c3;
            uint c0 = block + 2,
                c1 = 0,
                c2 = _c2,
                c3 = _c3,
                d0 = block + 3,
                d1 = 0,
                d2 = _c2,
                d3 = _c3;
            uint k0 = _k0,
                k1 = _k1;
            for (int round = 0; round < 10; round++)
            {
                Round(ref a0, ref a1, ref a2, ref a3, k0, k1);
                Round(ref b0, ref b1, ref b2, ref b3, k0, k1);
                Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
                Round(ref d0, ref d1, ref d2, ref d3, k0, k1);
                k0 += W0;
                k1 += W1;
            }
            Write(keep, 0, a0, a1, a2, a3);
            Write(keep, 4, b0, b1, b2, b3);
            Write(keep, 8, c0, c1, c2, c3);
            Write(keep, 12, d0, d1, d2, d3);
        }

        /// <summary>Elements 4·block to 4·block + 63 with AVX2: lane i of the four word vectors x is block block + i,
        /// of y block block + 8 + i; the two sets' rounds interleave. The 32 × 32 to 64-bit multiplies use vpmuludq on
        /// the even lanes and on the odd lanes shifted down, then the high and low halves are blended back into lane
        /// order.</summary>
        public void SixtyFour(uint block, Span<float> keep)
        {
            var lanes = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            var (x0, y0) = (Vector256.Create(block) + lanes, Vector256.Create(block + 8) + lanes);
            var (x1, y1) = (Vector256<uint>.Zero, Vector256<uint>.Zero);
            var (x2, y2) = (Vector256.Create(_c2), Vector256.Create(_c2));
            var (x3, y3) = (Vector256.Create(_c3), Vector256.Create(_c3));
            var m0 = Vector256.Create(M0);
            var m1 = Vector256.Create(M1);
            uint k0 = _k0,
                k1 = _k1;
            for (int round = 0; round < 10; round++)
            {
                var (key0, key1) = (Vector256.Create(k0), Vector256.Create(k1));
                var (xHi0, xLo0) = Multiply(x0, m0);
                var (yHi0, yLo0) = Multiply(y0, m0);
                var (xHi1, xLo1) = Multiply(x2, m1);
                var (yHi1, yLo1) = Multiply(y2, m1);
                (x0, y0) = (xHi1 ^ x1 ^ key0, yHi1 ^ y1 ^ key0);
                (x1, y1) = (xLo1, yLo1);
                (x2, y2) = (xHi0 ^ x3 ^ key1, yHi0 ^ y3 ^ key1);
                (x3, y3) = (xLo0, yLo0);
                k0 += W0;
                k1 += W1;
            }
            Store(Values(x0), Values(x1), Values(x2), Values(x3), keep);
            Store(Values(y0), Values(y1), Values(y2), Values(y3), keep[32..]);
        }

        /// <summary>Word w of block i goes to keep[4·i + w]: a 4 × 8 transpose of the word vectors in
        /// registers.</summary>
        private static void Store(
            Vector256<float> w0,
            Vector256<float> w1,
            Vector256<float> w2,
            Vector256<float> w3,
            Span<float> keep
        )
        {
            var (t0, t1) = (Avx.UnpackLow(w0, w1), Avx.UnpackHigh(w0, w1)); // w0[0] w1[0] w0[1] w1[1] | lanes 4, 5
            var (t2, t3) = (Avx.UnpackLow(w2, w3), Avx.UnpackHigh(w2, w3));
            var u0 = Avx.Shuffle(t0, t2, 0x44); // blocks 0 and 4, words 0–3
            var u1 = Avx.Shuffle(t0, t2, 0xEE); // blocks 1 and 5
            var u2 = Avx.Shuffle(t1, t3, 0x44); // blocks 2 and 6
            var u3 = Avx.Shuffle(t1, t3, 0xEE); // blocks 3 and 7
            Avx.Permute2x128(u0, u1, 0x20).CopyTo(keep);
            Avx.Permute2x128(u2, u3, 0x20).CopyTo(keep[8..]);
            Avx.Permute2x128(u0, u1, 0x31).CopyTo(keep[16..]);
            Avx.Permute2x128(u2, u3, 0x31).CopyTo(keep[24..]);
        }

        private static (Vector256<uint> Hi, Vector256<uint> Lo) Multiply(Vector256<uint> x, Vector256<uint> m)
        {
            var even = Avx2.Multiply(x, m);
            var odd = Avx2.Multiply(Avx2.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32(), m);
            var hi = Avx2.Blend(Avx2.ShiftRightLogical(even, 32).AsUInt32(), odd.AsUInt32(), 0b1010_1010);
            var lo = Avx2.Blend(even.AsUInt32(), Avx2.ShiftLeftLogical(odd, 32).AsUInt32(), 0b1010_1010);
            return (hi, lo);
        }

        private Vector256<float> Values(Vector256<uint> words)
        {
            var u = Vector256.ConvertToSingle((words >> 8).AsInt32()) * Vector256.Create(1f / 16777216f);
            return Vector256.ConditionalSelect(
                Vector256.GreaterThanOrEqual(u, Vector256.Create(_p)),
                Vector256.Create(_scale),
                Vector256<float>.Zero
            );
        }

        private void Write(Span<float> keep, int at, uint w0, uint w1, uint w2, uint w3)
        {
            keep[at] = Value(w0);
            keep[at + 1] = Value(w1);
            keep[at + 2] = Value(w2);
            keep[at + 3] = Value(w3);
        }

        private float Value(uint word) => (word >> 8) * (1f / 16777216f) >= _p ? _scale : 0f;
    }

    /// <summary>One Philox round: two 32×32→64 multiplies, the high halves mixed with the other words and the round
    /// key.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        ulong p0 = (ulong)M0 * c0,
            p1 = (ulong)M1 * c2;
        c0 = (uint)(p1 >> 32) ^ c1 ^ k0;
        c1 = (uint)p1;
        c2 = (uint)(p0 >> 32) ^ c3 ^ k1;
        c3 = (uint)p0;
    }
}
