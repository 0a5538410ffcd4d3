using ILGPU;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Shape and scalars of one GEMM launch.</summary>
public readonly record struct GemmArgs(int M, int N, int K, int TransA, int TransB, float Alpha, float Beta);

public sealed partial class IlgpuBackend
{
    /// <summary>Tile edge: each 16×16 group computes a 16×16 block of C, staging 16×16 tiles of A and B in shared memory.</summary>
    public const int GemmTile = 16;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? _gemm;

    // C = α·op(A)·op(B) + β·C. FLOPs 2mnk; minimal bytes 4(mk + kn + mn (+ mn when β ≠ 0)).
    // β = 0 never reads C, so C may hold garbage (NaN) before the launch.
    public void Gemm(Tensor<float> a, bool transA, Tensor<float> b, bool transB, Tensor<float> c, int m, int n, int k, float alpha, float beta)
    {
        CheckLength(a, m * k, "gemm A");
        CheckLength(b, k * n, "gemm B");
        CheckLength(c, m * n, "gemm C");
        if (m == 0 || n == 0) return;
        _gemm ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernel);
        var config = new KernelConfig(new Index2D(GroupsFor(n, GemmTile), GroupsFor(m, GemmTile)), new Index2D(GemmTile, GemmTile));
        _gemm(config, D(a), D(b), D(c), new GemmArgs(m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta));
    }

    private static void GemmKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs g)
    {
        var tileA = SharedMemory.Allocate<float>(GemmTile * GemmTile);
        var tileB = SharedMemory.Allocate<float>(GemmTile * GemmTile);
        int tx = Group.IdxX, ty = Group.IdxY;
        int row = Grid.IdxY * GemmTile + ty, col = Grid.IdxX * GemmTile + tx;
        float acc = 0;
        for (int p0 = 0; p0 < g.K; p0 += GemmTile)
        {
            int ap = p0 + tx, bp = p0 + ty;
            tileA[ty * GemmTile + tx] = row < g.M && ap < g.K ? (g.TransA != 0 ? a[ap * g.M + row] : a[row * g.K + ap]) : 0f;
            tileB[ty * GemmTile + tx] = bp < g.K && col < g.N ? (g.TransB != 0 ? b[col * g.K + bp] : b[bp * g.N + col]) : 0f;
            Group.Barrier();
            for (int q = 0; q < GemmTile; q++) acc += tileA[ty * GemmTile + q] * tileB[q * GemmTile + tx];
            Group.Barrier();
        }
        if (row < g.M && col < g.N)
        {
            int idx = row * g.N + col;
            c[idx] = g.Beta == 0f ? g.Alpha * acc : g.Alpha * acc + g.Beta * c[idx];
        }
    }
}
