using SpeechEmotion.Kernels;

namespace SpeechEmotion.Tests.Support;

/// <summary>A <see cref="ParityHarness"/> on ILGPU's CPU accelerator (Nvidia preset) with a fixed seed
/// (<see cref="TestSeed"/>: SER_TEST_SEED changes it), printed for replay.</summary>
public sealed class BackendPair : IDisposable
{
    private readonly GpuDevice _device = GpuDevice.Create("ilgpu-cpu");

    public BackendPair()
    {
        Harness = new ParityHarness(_device, TestSeed.For(20261201));
    }

    public ParityHarness Harness { get; }

    public void Dispose() => _device.Dispose();
}
