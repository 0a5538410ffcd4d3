using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The `ser doctor` self-check at small size on ilgpu-cpu: every named kernel runs and passes.</summary>
public class KernelSelfCheckTests
{
    [Test]
    public void Every_kernel_passes_at_small_size()
    {
        using var pair = new BackendPair();
        var results = new KernelSelfCheck(pair.Harness, SelfCheckSize.Small).Run().ToList();
        Assert.That(results.Select(r => r.Kernel), Is.EqualTo(KernelSelfCheck.Kernels));
        foreach (var r in results)
            Assert.That(r.MaxRelativeError, Is.LessThanOrEqualTo(r.Tolerance), r.Kernel);
    }

    [Test, Category("Slow")]
    public void Doctor_cli_lists_devices_and_prints_one_row_per_kernel()
    {
        var (code, output) = SerProcess.Run("doctor", "--device", "ilgpu-cpu", "--seed", "3");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("ILGPU devices"));
        foreach (var kernel in KernelSelfCheck.Kernels)
            Assert.That(output, Does.Match($@"{kernel}\s+│\s+\S+\s+│\s+\S+\s+│\s+pass"), kernel);
    }

    [Test]
    public void Backends_resolve_device_names()
    {
        Assert.That(Backends.Create("cpu").Name, Does.StartWith("cpu"));
        using var ilgpu = Backends.Create("ilgpu-cpu");
        Assert.That(ilgpu.Name, Does.StartWith("ilgpu-cpu"));
        Assert.That(Backends.Resolve("auto"), Is.EqualTo(GpuDevice.CudaAvailable() ? "cuda" : "cpu"));
        Assert.Throws<ArgumentException>(() => Backends.Create("tpu"));
    }
}
