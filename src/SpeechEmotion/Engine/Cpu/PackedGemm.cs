using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace SpeechEmotion.Engine.Cpu;

/// <summary>
/// A strided matrix operand: element (r, c) is Data[Offset + r·Stride + c], or Data[Offset + c·Stride + r] when
/// Transposed. Lets one GEMM read a head's slice of a packed [T, 3E] QKV tensor, or a weight as Wᵀ, without copies.
/// </summary>
public readonly record struct MatrixView<T>(T[] Data, int Offset, int Stride, bool Transposed = false)
{
    public T this[int r, int c] => Transposed ? Data[Offset + c * Stride + r] : Data[Offset + r * Stride + c];
}

/// <summary>
/// Blocked, packed GEMM in the BLIS loop order: B is packed into k-blocks of NR-wide column panels, each block of A
/// into MR-high row panels, and an MR×NR micro-kernel keeps its 12 accumulators in vector registers while it walks
/// k (one broadcast and two vector loads feed 12 fused multiply-adds). Vector&lt;T&gt; is 256 bits on x86-64 (AVX2/FMA)
/// and 128 bits on ARM64 (NEON), so the same code is the portable path. Each C element is summed in the same order
/// whatever the thread count, so results are deterministic.
/// </summary>
public static class PackedGemm<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const int MR = 6,
        KC = 256,
        MaxMC = 96;
    private static readonly int NR = 2 * Vector<T>.Count;

    /// <summary>C[m×n] = α·A[m×k]·B[k×n] + β·C (β = 0 overwrites, NaN included); up to <paramref name="threads"/>
    /// threads over row blocks of C.</summary>
    public static void Multiply(
        int m,
        int n,
        int k,
        T alpha,
        MatrixView<T> a,
        MatrixView<T> b,
        T beta,
        MatrixView<T> c,
        int threads = 1
    )
    {
        if (m <= 0 || n <= 0)
            return;
        var packed = Pack(b, k, n, threads);
        try
        {
            Multiply(m, n, k, alpha, a, packed, beta, c, threads);
        }
        finally
        {
            packed.Dispose();
        }
    }

    /// <summary>B packed once for many products with the same right operand (a GRU's recurrent weight over all
    /// steps); large ones (a weight gradient's B·T × F input) by up to <paramref name="threads"/> threads, one
    /// k-block each. Reads run along B's rows: NR-wide row pieces when B is stored as is, columns of one panel when
    /// transposed.</summary>
    public static PackedB Pack(MatrixView<T> b, int k, int n, int threads = 1)
    {
        int panels = (n + NR - 1) / NR,
            blocks = (k + KC - 1) / KC;
        var data = ArrayPool<T>.Shared.Rent(Math.Max(1, panels * NR * k));
        void Block(int pc)
        {
            int k0 = pc * KC,
                kc = Math.Min(KC, k - k0),
                start = k0 * panels * NR; // every earlier block is KC deep
            for (int jp = 0; jp < panels; jp++)
            {
                int j0 = jp * NR,
                    nr = Math.Min(NR, n - j0),
                    at = start + jp * kc * NR;
                if (nr < NR)
                    data.AsSpan(at, kc * NR).Clear();
                if (b.Transposed)
                    for (int jj = 0; jj < nr; jj++)
                    {
                        var column = b.Data.AsSpan(b.Offset + (j0 + jj) * b.Stride + k0, kc);
                        for (int p = 0; p < kc; p++)
                            data[at + p * NR + jj] = column[p];
                    }
                else
                    for (int p = 0; p < kc; p++)
                        b.Data.AsSpan(b.Offset + (k0 + p) * b.Stride + j0, nr).CopyTo(data.AsSpan(at + p * NR, nr));
            }
        }
        if (threads > 1 && blocks > 1 && (long)k * n >= 1 << 16)
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, Block);
        else
            for (int pc = 0; pc < blocks; pc++)
                Block(pc);
        return new PackedB(data, k, n);
    }

    /// <summary>C = α·A·B + β·C with B from <see cref="Pack"/>.</summary>
    public static void Multiply(
        int m,
        int n,
        int k,
        T alpha,
        MatrixView<T> a,
        PackedB b,
        T beta,
        MatrixView<T> c,
        int threads = 1
    )
    {
        if (b.K != k || b.N != n)
            throw new ArgumentException($"packed B is {b.K}×{b.N}, the product needs {k}×{n}");
        if (m <= 0 || n <= 0)
            return;
        if (c.Transposed || c.Offset < 0 || c.Stride < n || c.Offset + (long)(m - 1) * c.Stride + n > c.Data.Length)
            throw new ArgumentException(
                $"C view (offset {c.Offset}, stride {c.Stride}) does not hold {m}×{n} in {c.Data.Length} elements"
            );
        // Row blocks: at most MaxMC rows (the packed A block stays in L2), at least four blocks per core when m allows.
        int workers = threads > 1 && (long)m * n * k >= 1 << 18 ? threads : 1;
        int mc = Math.Clamp((m + 4 * workers - 1) / (4 * workers), 1, MaxMC);
        mc = (mc + MR - 1) / MR * MR;
        int blocks = (m + mc - 1) / mc;
        void Block(int ib)
        {
            int i0 = ib * mc,
                rows = Math.Min(mc, m - i0);
            ScaleRows(c, i0, rows, n, beta);
            if (k == 0 || alpha == T.Zero)
                return;
            var ap = ArrayPool<T>.Shared.Rent(mc * Math.Min(k, KC));
            try
            {
                for (int pc = 0, at = 0; pc * KC < k; pc++)
                {
                    int k0 = pc * KC,
                        kc = Math.Min(KC, k - k0),
                        panels = (n + NR - 1) / NR,
                        fullRows = rows / MR * MR;
                    PackA(a, i0, rows, k0, kc, ap);
                    for (int jp = 0; jp < panels; jp++)
                    for (int ip = 0; ip < fullRows; ip += MR)
                    {
                        var cView = c with { Offset = c.Offset + (i0 + ip) * c.Stride + jp * NR };
                        Kernel6(kc, ap, ip * kc, b.Data, at + jp * kc * NR, alpha, cView, Math.Min(NR, n - jp * NR));
                    }
                    // Rows left over (all of them for a matrix-vector product): four panels at a time, for 8
                    // accumulator chains.
                    for (int r = fullRows; r < rows; r++)
                    {
                        int aAt = fullRows * kc + (r - fullRows);
                        var cRow = c with { Offset = c.Offset + (i0 + r) * c.Stride };
                        int jp = 0;
                        for (; (jp + 4) * NR <= n; jp += 4)
                            Kernel1x4(
                                kc,
                                ap,
                                aAt,
                                b.Data,
                                at + jp * kc * NR,
                                kc * NR,
                                alpha,
                                cRow with
                                {
                                    Offset = cRow.Offset + jp * NR,
                                }
                            );
                        for (; jp < panels; jp++)
                            Kernel1(
                                kc,
                                ap,
                                aAt,
                                b.Data,
                                at + jp * kc * NR,
                                alpha,
                                cRow with
                                {
                                    Offset = cRow.Offset + jp * NR,
                                },
                                Math.Min(NR, n - jp * NR)
                            );
                    }
                    at += panels * kc * NR;
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(ap);
            }
        }
        if (workers == 1 || blocks == 1)
            for (int ib = 0; ib < blocks; ib++)
                Block(ib);
        else
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = workers }, Block);
    }

    private static void ScaleRows(MatrixView<T> c, int i0, int rows, int n, T beta)
    {
        if (beta == T.One)
            return;
        for (int i = i0; i < i0 + rows; i++)
        {
            var row = c.Data.AsSpan(c.Offset + i * c.Stride, n);
            if (beta == T.Zero)
                row.Clear();
            else
                TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>Rows [i0, i0+rows) × k-range [k0, k0+kc) of A into MR-high panels: panel ip, step p, row r at
    /// (ip·kc + p)·MR + r. Reads run along A's rows: one row at a time as stored, MR adjacent values per step when
    /// transposed.</summary>
    private static void PackA(MatrixView<T> a, int i0, int rows, int k0, int kc, T[] ap)
    {
        for (int ip = 0; ip * MR < rows; ip++)
        {
            int base0 = ip * MR * kc,
                mr = Math.Min(MR, rows - ip * MR),
                first = i0 + ip * MR;
            if (a.Transposed)
                for (int p = 0; p < kc; p++)
                    a.Data.AsSpan(a.Offset + (k0 + p) * a.Stride + first, mr).CopyTo(ap.AsSpan(base0 + p * MR, mr));
            else
                for (int r = 0; r < mr; r++)
                {
                    var src = a.Data.AsSpan(a.Offset + (first + r) * a.Stride + k0, kc);
                    for (int p = 0; p < kc; p++)
                        ap[base0 + p * MR + r] = src[p];
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Fma(Vector<T> x, Vector<T> y, Vector<T> acc)
    {
        if (typeof(T) == typeof(float))
            return Vector.MultiplyAddEstimate(x.As<T, float>(), y.As<T, float>(), acc.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector
                .MultiplyAddEstimate(x.As<T, double>(), y.As<T, double>(), acc.As<T, double>())
                .As<double, T>();
        return x * y + acc;
    }

    /// <summary>C[0..6, 0..cols) += α·(A panel)·(B panel) over kc steps; the 6×NR accumulators live in
    /// registers.</summary>
    private static void Kernel6(int kc, T[] ap, int aAt, T[] bp, int bAt, T alpha, MatrixView<T> c, int cols)
    {
        int w = Vector<T>.Count;
        ref T a = ref ap[aAt];
        ref T b = ref bp[bAt];
        Vector<T> c00 = default,
            c01 = default,
            c10 = default,
            c11 = default,
            c20 = default,
            c21 = default,
            c30 = default,
            c31 = default,
            c40 = default,
            c41 = default,
            c50 = default,
            c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector.LoadUnsafe(ref b, (nuint)(p * 2 * w));
            var b1 = Vector.LoadUnsafe(ref b, (nuint)(p * 2 * w + w));
            ref T ar = ref Unsafe.Add(ref a, p * MR);
            var x = new Vector<T>(ar);
            c00 = Fma(x, b0, c00);
            c01 = Fma(x, b1, c01);
            x = new Vector<T>(Unsafe.Add(ref ar, 1));
            c10 = Fma(x, b0, c10);
            c11 = Fma(x, b1, c11);
            x = new Vector<T>(Unsafe.Add(ref ar, 2));
            c20 = Fma(x, b0, c20);
            c21 = Fma(x, b1, c21);
            x = new Vector<T>(Unsafe.Add(ref ar, 3));
            c30 = Fma(x, b0, c30);
            c31 = Fma(x, b1, c31);
            x = new Vector<T>(Unsafe.Add(ref ar, 4));
            c40 = Fma(x, b0, c40);
            c41 = Fma(x, b1, c41);
            x = new Vector<T>(Unsafe.Add(ref ar, 5));
            c50 = Fma(x, b0, c50);
            c51 = Fma(x, b1, c51);
        }
        var s = new Vector<T>(alpha);
        Store(c, 0, c00 * s, c01 * s, cols);
        Store(c, 1, c10 * s, c11 * s, cols);
        Store(c, 2, c20 * s, c21 * s, cols);
        Store(c, 3, c30 * s, c31 * s, cols);
        Store(c, 4, c40 * s, c41 * s, cols);
        Store(c, 5, c50 * s, c51 * s, cols);
    }

    /// <summary>One row of a partial panel (row r of the packed panel, stride MR): C[0, 0..cols) += α·a·(B
    /// panel).</summary>
    private static void Kernel1(int kc, T[] ap, int aAt, T[] bp, int bAt, T alpha, MatrixView<T> c, int cols)
    {
        int w = Vector<T>.Count;
        ref T a = ref ap[aAt];
        ref T b = ref bp[bAt];
        Vector<T> c0 = default,
            c1 = default;
        for (int p = 0; p < kc; p++)
        {
            var x = new Vector<T>(Unsafe.Add(ref a, p * MR));
            c0 = Fma(x, Vector.LoadUnsafe(ref b, (nuint)(p * 2 * w)), c0);
            c1 = Fma(x, Vector.LoadUnsafe(ref b, (nuint)(p * 2 * w + w)), c1);
        }
        var s = new Vector<T>(alpha);
        Store(c, 0, c0 * s, c1 * s, cols);
    }

    /// <summary>Kernel1 over four whole consecutive panels (<paramref name="panelStride"/> apart in the packed B): the
    /// same sums in the same order per element, but eight independent chains keep the FMA units busy.</summary>
    private static void Kernel1x4(int kc, T[] ap, int aAt, T[] bp, int bAt, int panelStride, T alpha, MatrixView<T> c)
    {
        int w = Vector<T>.Count;
        ref T a = ref ap[aAt];
        ref T b0 = ref bp[bAt];
        ref T b1 = ref Unsafe.Add(ref b0, panelStride);
        ref T b2 = ref Unsafe.Add(ref b1, panelStride);
        ref T b3 = ref Unsafe.Add(ref b2, panelStride);
        Vector<T> c0 = default,
            c1 = default,
            c2 = default,
            c3 = default,
            c4 = default,
            c5 = default,
            c6 = default,
            c7 = default;
        for (int p = 0; p < kc; p++)
        {
            var x = new Vector<T>(Unsafe.Add(ref a, p * MR));
            nuint at = (nuint)(p * 2 * w),
                next = at + (nuint)w;
            c0 = Fma(x, Vector.LoadUnsafe(ref b0, at), c0);
            c1 = Fma(x, Vector.LoadUnsafe(ref b0, next), c1);
            c2 = Fma(x, Vector.LoadUnsafe(ref b1, at), c2);
            c3 = Fma(x, Vector.LoadUnsafe(ref b1, next), c3);
            c4 = Fma(x, Vector.LoadUnsafe(ref b2, at), c4);
            c5 = Fma(x, Vector.LoadUnsafe(ref b2, next), c5);
            c6 = Fma(x, Vector.LoadUnsafe(ref b3, at), c6);
            c7 = Fma(x, Vector.LoadUnsafe(ref b3, next), c7);
        }
        var s = new Vector<T>(alpha);
        int nr = 2 * w;
        Store(c, 0, c0 * s, c1 * s, nr);
        Store(c with { Offset = c.Offset + nr }, 0, c2 * s, c3 * s, nr);
        Store(c with { Offset = c.Offset + 2 * nr }, 0, c4 * s, c5 * s, nr);
        Store(c with { Offset = c.Offset + 3 * nr }, 0, c6 * s, c7 * s, nr);
    }

    /// <summary>Adds the two accumulator vectors to row r of C, element by element where the panel is cut by
    /// n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(MatrixView<T> c, int r, Vector<T> v0, Vector<T> v1, int cols)
    {
        int w = Vector<T>.Count;
        ref T row = ref c.Data[c.Offset + r * c.Stride];
        if (cols == 2 * w)
        {
            (Vector.LoadUnsafe(ref row) + v0).StoreUnsafe(ref row);
            (Vector.LoadUnsafe(ref row, (nuint)w) + v1).StoreUnsafe(ref row, (nuint)w);
            return;
        }
        for (int j = 0; j < cols; j++)
            Unsafe.Add(ref row, j) += j < w ? v0[j] : v1[j - w];
    }

    /// <summary>B in packed panels (rented from the shared pool; Dispose returns it).</summary>
    public sealed class PackedB(T[] data, int k, int n) : IDisposable
    {
        internal T[] Data { get; private set; } = data;
        public int K { get; } = k;
        public int N { get; } = n;

        public void Dispose()
        {
            if (Data.Length == 0)
                return;
            ArrayPool<T>.Shared.Return(Data);
            Data = [];
        }
    }
}
