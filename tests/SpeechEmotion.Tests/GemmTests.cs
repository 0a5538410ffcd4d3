using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Ops;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The GEMM (<c>CpuBackend.Gemm.cs</c>, <c>PackedGemm.cs</c>; kernel <c>Gemm.cs</c>): ILGPU against the CPU
/// reference.</summary>
public class GemmTests : OpTest
{
    [TestCase("gemm")]
    [TestCase("gemm-backward")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

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

    /// <summary>x rounded to TF32 as the tensor cores' cvt.rna does: 10 mantissa bits, ties away from zero.</summary>
    private static float Tf32(float x) =>
        BitConverter.UInt32BitsToSingle((BitConverter.SingleToUInt32Bits(x) + 0x1000u) & 0xFFFFE000u);

    // The tensor-core kernel (GemmTf32.cs) through its emulation on the CPU accelerator: against the CPU product of
    // TF32-rounded inputs it must agree as closely as fp32 kernels do; against the fp32 product it differs by the
    // rounding (more than 1e-6: the inputs were rounded) but stays within the TF32 tolerance (measured 2.5e-4 to
    // 3.5e-4, 70×67×1100 included). 20×12×130: K split in two ranges of 65. Small: the emulation's shuffles are
    // slow on the CPU accelerator (70×67×1100 takes 7 minutes).
    [TestCase(false, false, 0f, 37, 29, 23)]
    [TestCase(true, true, 0.5f, 37, 29, 23)]
    [TestCase(true, false, 1f, 20, 12, 130)]
    public void Gemm_tf32(bool transA, bool transB, float beta, int m, int n, int k)
    {
        Assert.That(Tf32(1f + MathF.Pow(2, -11)), Is.EqualTo(1f + MathF.Pow(2, -10)), "a tie rounds away");
        Assert.That(Tf32(-(1f + MathF.Pow(2, -12))), Is.EqualTo(-1f));
        var hostA = P.RandomData(m * k);
        var hostB = P.RandomData(k * n);
        var hostC = beta == 0 ? Enumerable.Repeat(float.NaN, m * n).ToArray() : P.RandomData(m * n);
        float[] Product(float[] x, float[] y)
        {
            var (a, b, c) = (P.Cpu.Allocate(m * k), P.Cpu.Allocate(k * n), P.Cpu.Allocate(m, n));
            P.Cpu.Upload(x, a);
            P.Cpu.Upload(y, b);
            P.Cpu.Upload(hostC, c);
            P.Cpu.Gemm(a, transA, b, transB, c, m, n, k, 0.75f, beta);
            return ParityHarness.Host(P.Cpu, c);
        }
        var rounded = Product(hostA.Select(Tf32).ToArray(), hostB.Select(Tf32).ToArray());
        var exact = Product(hostA, hostB);
        var (ga, gb, gc) = (P.Gpu.Allocate(m * k), P.Gpu.Allocate(k * n), P.Gpu.Allocate(m, n));
        P.Gpu.Upload(hostA, ga);
        P.Gpu.Upload(hostB, gb);
        P.Gpu.Upload(hostC, gc);
        P.Gpu.Precision = Precision.Tf32;
        Assert.That(P.Gpu.Name, Does.EndWith(", tf32"), "reports record the precision with the device");
        P.Gpu.Gemm(ga, transA, gb, transB, gc, m, n, k, 0.75f, beta);
        var actual = ParityHarness.Host(P.Gpu, gc);
        Assert.That(ParityHarness.Error(rounded, actual), Is.LessThanOrEqualTo(ForwardTolerance), "tf32 inputs");
        double error = ParityHarness.Error(exact, actual);
        TestContext.Out.WriteLine($"tf32 against fp32: {error:E2}");
        Assert.That(error, Is.InRange(1e-6, KernelOps.Tf32Tolerance), "against fp32");
    }

    /// <summary>The TF32 kernel as the CUDA driver gets it (PTX for sm_90, generated without a GPU): four m16n8k8
    /// tensor-core products per 8-deep step and the inputs rounded by cvt.rna.</summary>
    [Test]
    public void Tf32_kernel_issues_mma_sync_on_cuda()
    {
        var ptx = Ptx.Of("GemmTf32Kernel");
        Assert.That(Ptx.Count(ptx, "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32"), Is.EqualTo(4));
        Assert.That(Ptx.Count(ptx, "cvt.rna.tf32.f32"), Is.GreaterThanOrEqualTo(6), "four A and two B fragments");
    }
}
