using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>Adam (<c>CpuBackend.Adam.cs</c>; kernel <c>Adam.cs</c>; <c>AdamOptimizer.cs</c>): ILGPU parity.</summary>
public class AdamTests : OpTest
{
    [TestCase("adam")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

    [Test]
    public void Adam_step()
    {
        const int n = 1037;
        var values = P.RandomTensor(n);
        var grads = P.RandomTensor(n);
        var m = P.Data(P.RandomData(n, 0.1f), n);
        var v = P.Data(P.RandomData(n, 0.1f).Select(Math.Abs).ToArray(), n);
        var settings = new AdamSettings(LearningRate: 1e-3, WeightDecay: 0.01);
        P.Cpu.AdamStep(values.Cpu, grads.Cpu, m.Cpu, v.Cpu, settings, 3);
        P.Gpu.AdamStep(values.Gpu, grads.Gpu, m.Gpu, v.Gpu, settings, 3);
        Assert.That(P.Error(values), Is.LessThanOrEqualTo(ForwardTolerance), "values");
        Assert.That(P.Error(m), Is.LessThanOrEqualTo(ForwardTolerance), "m");
        Assert.That(P.Error(v), Is.LessThanOrEqualTo(ForwardTolerance), "v");
    }
}
