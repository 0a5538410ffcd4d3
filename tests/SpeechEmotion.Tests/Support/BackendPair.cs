using SpeechEmotion.Kernels;

namespace SpeechEmotion.Tests.Support;

/// <summary>A <see cref="ParityHarness"/> on ILGPU's CPU accelerator (Nvidia preset) with a fresh seed, printed for
/// replay.</summary>
public sealed class BackendPair : IDisposable
{
    private readonly GpuDevice _device = GpuDevice.Create("ilgpu-cpu");

    public BackendPair()
    {
        Harness = new ParityHarness(_device, Environment.TickCount);
        TestContext.Out.WriteLine($"random seed {Harness.Seed}");
    }

    public ParityHarness Harness { get; }

    public void Dispose() => _device.Dispose();
}
