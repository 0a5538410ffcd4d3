using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The GEMM (<c>CpuBackend.Gemm.cs</c>, <c>PackedGemm.cs</c>; kernel <c>Gemm.cs</c>): ILGPU against the CPU
/// reference.</summary>
public class GemmTests : OpTest
{
    // 37×29×23: one partial block of C. 70×67×1100: 2×2 blocks, K split in 17 ranges of 65 (not a multiple of the slab
    // depth 16), so the split-K reduction and the range ends inside a slab are exercised.
    [TestCase(false, false, 0f, 37, 29, 23)]
    [TestCase(true, false, 0f, 37, 29, 23)]
    [TestCase(false, true, 0f, 37, 29, 23)]
    [TestCase(true, true, 0f, 37, 29, 23)]
    [TestCase(false, true, 0.5f, 37, 29, 23)]
    [TestCase(true, false, 1f, 37, 29, 23)]
    [TestCase(false, false, 0f, 70, 67, 1100)]
    [TestCase(true, true, 0.5f, 70, 67, 1100)]
    [TestCase(true, false, 1f, 70, 67, 1100)]
    public void Gemm(bool transA, bool transB, float beta, int m, int n, int k)
    {
        var a = P.RandomTensor(m * k);
        var b = P.RandomTensor(k * n);
        var c = beta == 0 ? P.Poisoned(m, n) : P.RandomTensor(m, n);
        P.Cpu.Gemm(a.Cpu, transA, b.Cpu, transB, c.Cpu, m, n, k, 0.75f, beta);
        P.Gpu.Gemm(a.Gpu, transA, b.Gpu, transB, c.Gpu, m, n, k, 0.75f, beta);
        Assert.That(P.Error(c), Is.LessThanOrEqualTo(ForwardTolerance));
    }
}
