using ILGPU.Runtime;
using SpeechEmotion.Audio;
using SpeechEmotion.Features;
using SpeechEmotion.Kernels;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The STFT kernel on ILGPU's CPU accelerator (Nvidia preset) against the CPU reference.</summary>
public class StftKernelTests
{
    private GpuDevice _device = null!;
    private Stft _stft = null!;

    [OneTimeSetUp]
    public void Open()
    {
        _device = GpuDevice.Create("ilgpu-cpu");
        _stft = new Stft(_device.Accelerator);
    }

    [OneTimeTearDown]
    public void Close()
    {
        _stft.Dispose();
        _device.Dispose();
    }

    private float[] RunPoisoned(float[] samples)
    {
        int frames = Spectrogram.FrameCount(samples.Length);
        var padded = new float[Math.Max(samples.Length, Spectrogram.WindowLength)];
        samples.CopyTo(padded, 0);
        using var input = _device.Accelerator.Allocate1D(padded);
        using var output = _device.Accelerator.Allocate1D(
            Enumerable.Repeat(float.NaN, frames * Spectrogram.Bins).ToArray()
        );
        _stft.Forward(input.View, frames, output.View);
        return output.GetAsArray1D();
    }

    [TestCase(1003)]
    [TestCase(2417)]
    [TestCase(311)]
    public void Random_audio_matches_the_reference(int length)
    {
        var random = new Random(TestSeed.For(length));
        var samples = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.3f).ToArray();
        var actual = RunPoisoned(samples);
        Assert.That(Errors.MaxRelative(actual, Spectrogram.Compute<double>(samples)), Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void Real_emodb_file_matches_the_reference()
    {
        // The first 0.5 s of a real utterance: the CPU accelerator is ~100x slower than plain C#.
        var samples = WavReader.ReadMono16k(TestData.EmoDbWav("03a01Fa"))[..8000];
        var actual = RunPoisoned(samples);
        Assert.That(Errors.MaxRelative(actual, Spectrogram.Compute<double>(samples)), Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void Normalize_kernel_matches_FeatureNormalizer()
    {
        var random = new Random(TestSeed.For(7));
        const int bins = 7,
            frames = 5;
        var features = Enumerable.Range(0, bins * frames).Select(_ => (float)random.NextDouble() * 10).ToArray();
        var normalizer = FeatureNormalizer.Fit([features.Select(v => v * 1.3f + 1).ToArray()], bins);
        var expected = features.ToArray();
        normalizer.Apply(expected);
        using var buffer = _device.Accelerator.Allocate1D(features);
        using var mean = _device.Accelerator.Allocate1D(normalizer.Mean);
        using var std = _device.Accelerator.Allocate1D(normalizer.Std);
        _stft.Normalize(buffer.View, mean.View, std.View);
        Assert.That(buffer.GetAsArray1D(), Is.EqualTo(expected).Within(1e-5));
    }
}
