using SpeechEmotion.Data;
using SpeechEmotion.Engine.Ops;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The op definitions (<see cref="KernelOps"/>) that `ser doctor`, the tests, `ser gradcheck --op` and the op
/// benchmarks read: each is checked by its op's test class, names files that exist and a gradient check that exists,
/// and counts its work; the doctor prints one row per op.</summary>
public class KernelSelfCheckTests
{
    [Test]
    public void Every_op_is_checked_by_one_test_class_and_names_its_files_and_gradient_check()
    {
        var checkedBy = typeof(KernelSelfCheckTests)
            .Assembly.GetTypes()
            .Select(t => t.GetMethod("Matches_its_reference_as_the_doctor_checks_it"))
            .OfType<System.Reflection.MethodInfo>()
            .SelectMany(m => m.GetCustomAttributes(typeof(TestCaseAttribute), false).Cast<TestCaseAttribute>())
            .Select(c => (string)c.Arguments[0]!)
            .ToList();
        Assert.That(checkedBy, Is.EquivalentTo(KernelSelfCheck.Kernels));
        var sources = Directory
            .GetFiles(DataPaths.RepositoryRoot()!, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Select(Path.GetFileName)
            .ToHashSet();
        foreach (var op in KernelOps.All)
        {
            foreach (var file in op.Files.Split([" · ", ", "], StringSplitOptions.None))
                Assert.That(sources, Does.Contain(file), $"{op.Name}: {file}");
            if (op.Gradients is { } group)
                Assert.That(GradientCheck.Groups.Keys, Does.Contain(group), op.Name);
        }
    }

    [Test]
    public void A_launch_counts_the_bytes_it_must_move_and_an_op_its_flops()
    {
        var s = OpShape.Small;
        var (m, n, k) = (s.Batch * s.Steps, 3 * s.Hidden, s.Input);
        using var cpu = new SpeechEmotion.Engine.Cpu.CpuBackend<float>();
        var launch = KernelOps.Gemm.Prepare(new OpData(s, 1))(new LaunchBuilder(cpu));
        Assert.That(launch.Bytes, Is.EqualTo(4L * (m * k + n * k + m * n)));
        Assert.That(KernelOps.Gemm.Flops(s), Is.EqualTo(2.0 * m * n * k));
        launch.Run();
        Assert.That(launch.Outputs[0].Length, Is.EqualTo(m * n));
        Assert.That(ParityHarness.Host(cpu, launch.Outputs[0]), Has.None.NaN, "the poisoned output is written");
        var adam = KernelOps.Adam.Prepare(new OpData(s, 1))(new LaunchBuilder(cpu));
        Assert.That(adam.Bytes, Is.EqualTo(4L * 7 * s.Parameters), "θ, m, v read and written; g read");
        Assert.That(() => KernelOps.Get("gru"), Throws.ArgumentException.With.Message.Contains("gru-forward"));
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
