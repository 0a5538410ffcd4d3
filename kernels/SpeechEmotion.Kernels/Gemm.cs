using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>
/// Shape and scalars of one GEMM launch. Splits: K ranges summed separately (split-K, unbatched only). Lda, Ldb, Ldc:
/// row strides of the stored A, B, C. A batched launch runs one product per grid layer z, which starts at
/// (z / Inner)·Outer + (z mod Inner)·InnerStride in each operand (attention: z = utterance·heads + head).
/// </summary>
public readonly record struct GemmArgs(
    int M,
    int N,
    int K,
    int TransA,
    int TransB,
    float Alpha,
    float Beta,
    int Splits,
    int Lda,
    int Ldb,
    int Ldc,
    int Inner,
    GemmStrides A,
    GemmStrides B,
    GemmStrides C
)
{
    /// <summary>One dense product: row strides from the shape, no batch.</summary>
    public static GemmArgs Dense(int m, int n, int k, bool transA, bool transB, float alpha, float beta, int splits) =>
        new(
            m,
            n,
            k,
            transA ? 1 : 0,
            transB ? 1 : 0,
            alpha,
            beta,
            splits,
            transA ? m : k,
            transB ? k : n,
            n,
            1,
            default,
            default,
            default
        );
}

/// <summary>Where product z of a batched GEMM starts in one operand: Offset + (z / Inner)·Outer + (z mod
/// Inner)·InnerStride.</summary>
public readonly record struct GemmStrides(int Offset, int Outer, int InnerStride)
{
    public int Start(int z, int inner) => Offset + z / inner * Outer + z % inner * InnerStride;
}

/// <summary>What one group of a GEMM launch covers: the 64×64 block of C at (Row0, Col0), the K range of its split,
/// and where its product's operands start.</summary>
public readonly struct GemmBlock
{
    public readonly int Row0,
        Col0,
        KBegin,
        KEnd,
        ABase,
        BBase,
        CBase;

    private GemmBlock(int row0, int col0, int kBegin, int kEnd, int aBase, int bBase, int cBase) =>
        (Row0, Col0, KBegin, KEnd, ABase, BBase, CBase) = (row0, col0, kBegin, kEnd, aBase, bBase, cBase);

    /// <summary>The block of the current group (grid x: column blocks, y: row blocks, z: split or product).</summary>
    public static GemmBlock Of(GemmArgs g)
    {
        int range = (g.K + g.Splits - 1) / g.Splits,
            split = g.Splits > 1 ? Grid.IdxZ : 0,
            z = g.Splits > 1 ? 0 : Grid.IdxZ;
        int kBegin = split * range;
        return new GemmBlock(
            Grid.IdxY * IlgpuBackend.GemmTile,
            Grid.IdxX * IlgpuBackend.GemmTile,
            kBegin,
            XMath.Min(g.K, kBegin + range),
            g.A.Start(z, g.Inner),
            g.B.Start(z, g.Inner),
            g.C.Start(z, g.Inner)
        );
    }
}

public sealed partial class IlgpuBackend
{
    /// <summary>Edge of the block of C one group computes (16×16 threads, 4×4 outputs each).</summary>
    public const int GemmTile = 64;

    /// <summary>Depth of the A and B slabs staged in shared memory per iteration.</summary>
    private const int GemmDepth = 16;

    /// <summary>Groups wanted in flight before K is split (about two per multiprocessor on a large GPU).</summary>
    private const int GemmTargetGroups = 256;

    private Action<
        KernelConfig,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        GemmArgs
    >? _gemm;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, GemmArgs>? _gemmReduce;

    // C = α·op(A)·op(B) + β·C. FLOPs 2mnk; minimal bytes 4(mk + kn + mn (+ mn when β ≠ 0)).
    // β = 0 never reads C, so C may hold garbage (NaN) before the launch.
    // Each 256-thread group computes a 64×64 block of C, thread (tx, ty) the 4×4 outputs (ty + 16i, tx + 16j) in
    // registers, from 16-deep slabs of op(A) and op(B) staged in shared memory (loaded along memory order, so reads are
    // coalesced whichever operand is transposed). When the blocks of C are too few to fill the GPU (weight gradients:
    // M, N in the hundreds, K = B·T in the thousands; batch-1 projections), K is split into ranges of at least 64 whose
    // partial products go to a scratch buffer and a second kernel sums them in order (deterministic, no atomics) and
    // applies α and β.
    public void Gemm(
        Tensor<float> a,
        bool transA,
        Tensor<float> b,
        bool transB,
        Tensor<float> c,
        int m,
        int n,
        int k,
        float alpha,
        float beta
    )
    {
        CheckLength(a, m * k, "gemm A");
        CheckLength(b, k * n, "gemm B");
        CheckLength(c, m * n, "gemm C");
        if (m == 0 || n == 0)
            return;
        int tiles = GroupsFor(n, GemmTile) * GroupsFor(m, GemmTile);
        int splits = Math.Clamp(Math.Min(GroupsFor(GemmTargetGroups, tiles), k / (4 * GemmDepth)), 1, 64);
        var args = GemmArgs.Dense(m, n, k, transA, transB, alpha, beta, splits);
        var partial = splits > 1 ? Scratch("gemm-split-k", splits * m * n).Data : D(c);
        LaunchGemm(D(a), D(b), D(c), partial, args, splits);
        if (splits == 1)
            return;
        _gemmReduce ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, GemmArgs>(
            GemmReduceKernel
        );
        _gemmReduce(m * n, partial, D(c), args);
    }

    /// <summary><paramref name="batch"/> products in one launch (see <see cref="GemmArgs"/>), never split.</summary>
    private void GemmBatched(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs args, int batch) =>
        LaunchGemm(a, b, c, c, args with { Splits = 1 }, batch);

    private void LaunchGemm(
        ArrayView<float> a,
        ArrayView<float> b,
        ArrayView<float> c,
        ArrayView<float> partial,
        GemmArgs args,
        int depth
    )
    {
        var kernel =
            Precision == Precision.Tf32
                ? _gemmTf32 ??= Accelerator.LoadStreamKernel<
                    ArrayView<float>,
                    ArrayView<float>,
                    ArrayView<float>,
                    ArrayView<float>,
                    GemmArgs
                >(GemmTf32Kernel)
                : _gemm ??= Accelerator.LoadStreamKernel<
                    ArrayView<float>,
                    ArrayView<float>,
                    ArrayView<float>,
                    ArrayView<float>,
                    GemmArgs
                >(GemmKernel);
        var groups = new Index3D(GroupsFor(args.N, GemmTile), GroupsFor(args.M, GemmTile), depth);
        kernel(new KernelConfig(groups, new Index3D(16, 16, 1)), a, b, c, partial, args);
    }

    private static void GemmKernel(
        ArrayView<float> a,
        ArrayView<float> b,
        ArrayView<float> c,
        ArrayView<float> partial,
        GemmArgs g
    )
    {
        // Slabs stored depth-major: slabA[p, r] = op(A)[row0 + r, k0 + p], slabB[p, col] = op(B)[k0 + p, col0 + col].
        var slabA = SharedMemory.Allocate<float>(GemmDepth * GemmTile);
        var slabB = SharedMemory.Allocate<float>(GemmDepth * GemmTile);
        int tx = Group.IdxX,
            ty = Group.IdxY,
            thread = ty * 16 + tx;
        var block = GemmBlock.Of(g);
        float c00 = 0,
            c01 = 0,
            c02 = 0,
            c03 = 0,
            c10 = 0,
            c11 = 0,
            c12 = 0,
            c13 = 0;
        float c20 = 0,
            c21 = 0,
            c22 = 0,
            c23 = 0,
            c30 = 0,
            c31 = 0,
            c32 = 0,
            c33 = 0;
        for (int k0 = block.KBegin; k0 < block.KEnd; k0 += GemmDepth)
        {
            LoadSlabs(slabA, slabB, a, b, g, block, k0, thread);
            Group.Barrier();
            for (int p = 0; p < GemmDepth; p++)
            {
                int ra = p * GemmTile + ty,
                    rb = p * GemmTile + tx;
                float a0 = slabA[ra],
                    a1 = slabA[ra + 16],
                    a2 = slabA[ra + 32],
                    a3 = slabA[ra + 48];
                float b0 = slabB[rb],
                    b1 = slabB[rb + 16],
                    b2 = slabB[rb + 32],
                    b3 = slabB[rb + 48];
                c00 += a0 * b0;
                c01 += a0 * b1;
                c02 += a0 * b2;
                c03 += a0 * b3;
                c10 += a1 * b0;
                c11 += a1 * b1;
                c12 += a1 * b2;
                c13 += a1 * b3;
                c20 += a2 * b0;
                c21 += a2 * b1;
                c22 += a2 * b2;
                c23 += a2 * b3;
                c30 += a3 * b0;
                c31 += a3 * b1;
                c32 += a3 * b2;
                c33 += a3 * b3;
            }
            Group.Barrier();
        }
        int r0 = block.Row0 + ty,
            cl = block.Col0 + tx;
        Store(c, partial, g, block.CBase, r0, cl, c00, c01, c02, c03);
        Store(c, partial, g, block.CBase, r0 + 16, cl, c10, c11, c12, c13);
        Store(c, partial, g, block.CBase, r0 + 32, cl, c20, c21, c22, c23);
        Store(c, partial, g, block.CBase, r0 + 48, cl, c30, c31, c32, c33);
    }

    /// <summary>Stages the slabs of op(A) and op(B) at depth k0 in shared memory (zeros past M, N and
    /// kEnd).</summary>
    private static void LoadSlabs(
        ArrayView<float> slabA,
        ArrayView<float> slabB,
        ArrayView<float> a,
        ArrayView<float> b,
        GemmArgs g,
        GemmBlock block,
        int k0,
        int thread
    )
    {
        int kEnd = block.KEnd;
        for (int e = thread; e < GemmDepth * GemmTile; e += 256)
        {
            // Consecutive threads take consecutive memory: along K when A is row-major, along M when transposed.
            int p = g.TransA != 0 ? e / GemmTile : e % GemmDepth,
                r = g.TransA != 0 ? e % GemmTile : e / GemmDepth;
            int row = block.Row0 + r,
                kk = k0 + p;
            slabA[p * GemmTile + r] =
                row < g.M && kk < kEnd ? a[block.ABase + (g.TransA != 0 ? kk * g.Lda + row : row * g.Lda + kk)] : 0f;
            int q = g.TransB != 0 ? e % GemmDepth : e / GemmTile,
                col = g.TransB != 0 ? e / GemmDepth : e % GemmTile;
            int kb = k0 + q,
                cc = block.Col0 + col;
            slabB[q * GemmTile + col] =
                cc < g.N && kb < kEnd ? b[block.BBase + (g.TransB != 0 ? cc * g.Ldb + kb : kb * g.Ldb + cc)] : 0f;
        }
    }

    /// <summary>Writes one row's four outputs (columns col, +16, +32, +48): to C with α, β, or raw to the split's
    /// partial slab.</summary>
    private static void Store(
        ArrayView<float> c,
        ArrayView<float> partial,
        GemmArgs g,
        int cBase,
        int row,
        int col,
        float v0,
        float v1,
        float v2,
        float v3
    )
    {
        if (row >= g.M)
            return;
        StoreOne(c, partial, g, cBase, row, col, v0);
        StoreOne(c, partial, g, cBase, row, col + 16, v1);
        StoreOne(c, partial, g, cBase, row, col + 32, v2);
        StoreOne(c, partial, g, cBase, row, col + 48, v3);
    }

    private static void StoreOne(
        ArrayView<float> c,
        ArrayView<float> partial,
        GemmArgs g,
        int cBase,
        int row,
        int col,
        float value
    )
    {
        if (col >= g.N)
            return;
        if (g.Splits > 1)
            partial[Grid.IdxZ * g.M * g.N + row * g.N + col] = value;
        else
        {
            int idx = cBase + row * g.Ldc + col;
            c[idx] = g.Beta == 0f ? g.Alpha * value : g.Alpha * value + g.Beta * c[idx];
        }
    }

    private static void GemmReduceKernel(Index1D i, ArrayView<float> partial, ArrayView<float> c, GemmArgs g)
    {
        float sum = 0f;
        for (int s = 0; s < g.Splits; s++)
            sum += partial[s * g.M * g.N + i];
        c[i] = g.Beta == 0f ? g.Alpha * sum : g.Alpha * sum + g.Beta * c[i];
    }
}
