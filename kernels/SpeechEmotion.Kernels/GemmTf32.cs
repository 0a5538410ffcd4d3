using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Four float accumulators: one thread's share of a 16×8 tile of C in an m16n8k8 product.</summary>
public struct Float4
{
    public float X,
        Y,
        Z,
        W;
}

// TF32 GEMM on tensor cores: the same grid, 64×64 blocks, slabs and stores as GemmKernel
// (C = α·op(A)·op(B) + β·C, split-K and batched products), but each of the group's eight warps computes a 16×32
// strip of its block as four m16n8k8 tiles with `mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32` (inline PTX
// through CudaAsm), inputs rounded by `cvt.rna.tf32.f32`, accumulators in float.
// Fragments (PTX ISA, lane = 4·group + t):
//   A: a0 = (group, t), a1 = (group + 8, t), a2 = (group, t + 4), a3 = (group + 8, t + 4)   [row, k]
//   B: b0 = (t, group), b1 = (t + 4, group)                                                    [k, column]
//   C: c0 = (group, 2t), c1 = (group, 2t + 1), c2 = (group + 8, 2t), c3 = (group + 8, 2t + 1)  [row, column]
// Elsewhere (the CPU accelerator, tests) the same fragments go through an emulation that gathers each product's
// inputs from the lanes that hold them with warp shuffles, so the fragment layout is what the tests check.
// FLOPs 2mnk; bytes as GemmKernel. Slab reads of one fragment: 4-way bank conflicts on A (stride 64 between k).
public sealed partial class IlgpuBackend : IPrecisionBackend
{
    private Action<
        KernelConfig,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        GemmArgs
    >? _gemmTf32;

    /// <summary>GEMM arithmetic: fp32 (default) or tf32 (tensor cores on CUDA, emulated elsewhere).</summary>
    public Precision Precision { get; set; }

    private static void GemmTf32Kernel(
        ArrayView<float> a,
        ArrayView<float> b,
        ArrayView<float> c,
        ArrayView<float> partial,
        GemmArgs g
    )
    {
        var slabA = SharedMemory.Allocate<float>(GemmDepth * GemmTile);
        var slabB = SharedMemory.Allocate<float>(GemmDepth * GemmTile);
        int thread = Group.IdxY * 16 + Group.IdxX,
            warp = thread / 32,
            lane = thread % 32;
        int group = lane / 4,
            t = lane % 4;
        int rows = warp % 4 * 16,
            cols = warp / 4 * 32;
        var block = GemmBlock.Of(g);
        Float4 c0 = default,
            c1 = default,
            c2 = default,
            c3 = default;
        for (int k0 = block.KBegin; k0 < block.KEnd; k0 += GemmDepth)
        {
            LoadSlabs(slabA, slabB, a, b, g, block, k0, thread);
            Group.Barrier();
            for (int kk = 0; kk < GemmDepth; kk += 8)
            {
                int low = (kk + t) * GemmTile,
                    high = (kk + t + 4) * GemmTile;
                uint a0 = Tf32(slabA[low + rows + group]),
                    a1 = Tf32(slabA[low + rows + group + 8]),
                    a2 = Tf32(slabA[high + rows + group]),
                    a3 = Tf32(slabA[high + rows + group + 8]);
                int n = cols + group;
                Mma(ref c0, a0, a1, a2, a3, Tf32(slabB[low + n]), Tf32(slabB[high + n]), lane);
                Mma(ref c1, a0, a1, a2, a3, Tf32(slabB[low + n + 8]), Tf32(slabB[high + n + 8]), lane);
                Mma(ref c2, a0, a1, a2, a3, Tf32(slabB[low + n + 16]), Tf32(slabB[high + n + 16]), lane);
                Mma(ref c3, a0, a1, a2, a3, Tf32(slabB[low + n + 24]), Tf32(slabB[high + n + 24]), lane);
            }
            Group.Barrier();
        }
        int row = block.Row0 + rows + group,
            col = block.Col0 + cols + 2 * t;
        StoreTile(c, partial, g, block.CBase, row, col, c0);
        StoreTile(c, partial, g, block.CBase, row, col + 8, c1);
        StoreTile(c, partial, g, block.CBase, row, col + 16, c2);
        StoreTile(c, partial, g, block.CBase, row, col + 24, c3);
    }

    /// <summary>A thread's four outputs of one tile: (row, col), (row, col + 1), (row + 8, col), (row + 8, col +
    /// 1).</summary>
    private static void StoreTile(
        ArrayView<float> c,
        ArrayView<float> partial,
        GemmArgs g,
        int cBase,
        int row,
        int col,
        Float4 v
    )
    {
        if (row < g.M)
        {
            StoreOne(c, partial, g, cBase, row, col, v.X);
            StoreOne(c, partial, g, cBase, row, col + 1, v.Y);
        }
        if (row + 8 < g.M)
        {
            StoreOne(c, partial, g, cBase, row + 8, col, v.Z);
            StoreOne(c, partial, g, cBase, row + 8, col + 1, v.W);
        }
    }

    /// <summary>x rounded to TF32 (round to nearest, ties away from zero), as its bits.</summary>
    private static uint Tf32(float x)
    {
        if (CudaAsm.IsSupported)
        {
            Output<uint> bits = default;
            Input<float> value = x;
            CudaAsm.EmitRef("cvt.rna.tf32.f32 %0, %1;", ref bits, ref value);
            return bits.Value;
        }
        // Finite values: add half of the 13 dropped bits' unit to the magnitude, then drop them.
        return ((uint)Interop.FloatAsInt(x) + 0x1000u) & 0xFFFFE000u;
    }

    /// <summary>d += A·B for one m16n8k8 tile across the warp (fragments as in the header).</summary>
    private static void Mma(ref Float4 d, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1, int lane)
    {
        if (CudaAsm.IsSupported)
        {
            Ref<float> d0 = d.X,
                d1 = d.Y,
                d2 = d.Z,
                d3 = d.W;
            Input<uint> x0 = a0,
                x1 = a1,
                x2 = a2,
                x3 = a3,
                y0 = b0,
                y1 = b1;
            CudaAsm.EmitRef(
                "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 "
                    + "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};",
                ref d0,
                ref d1,
                ref d2,
                ref d3,
                ref x0,
                ref x1,
                ref x2,
                ref x3,
                ref y0,
                ref y1
            );
            d = new Float4
            {
                X = d0.Value,
                Y = d1.Value,
                Z = d2.Value,
                W = d3.Value,
            };
            return;
        }
        // Emulation: for each k, A[group, k] and A[group + 8, k] come from lane 4·group + k mod 4 (a0/a1 for k < 4,
        // a2/a3 above), B[k, 2t] and B[k, 2t + 1] from lanes 4·2t + k mod 4 and 4·(2t + 1) + k mod 4 (b0, b1).
        int group = lane / 4,
            t = lane % 4;
        for (int k = 0; k < 8; k++)
        {
            bool high = k >= 4;
            int source = 4 * group + k % 4;
            float top = Interop.IntAsFloat(ILGPU.Warp.Shuffle(high ? a2 : a0, source)),
                bottom = Interop.IntAsFloat(ILGPU.Warp.Shuffle(high ? a3 : a1, source)),
                left = Interop.IntAsFloat(ILGPU.Warp.Shuffle(high ? b1 : b0, 8 * t + k % 4)),
                right = Interop.IntAsFloat(ILGPU.Warp.Shuffle(high ? b1 : b0, 8 * t + 4 + k % 4));
            d.X += top * left;
            d.Y += top * right;
            d.Z += bottom * left;
            d.W += bottom * right;
        }
    }
}
