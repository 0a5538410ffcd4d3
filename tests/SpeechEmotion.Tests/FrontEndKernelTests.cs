using ILGPU.Runtime;
using SpeechEmotion.Audio;
using SpeechEmotion.Engine.Ops;
using SpeechEmotion.Features;
using SpeechEmotion.Kernels;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The front-end kernels on ILGPU's CPU accelerator (Nvidia preset) against the CPU front end, normaliser
/// and padding: batches of unequal clips (one shorter than a window), outputs poisoned with NaN.</summary>
public class FrontEndKernelTests : OpTest
{
    [TestCase("front-end-linear")]
    [TestCase("front-end-mel")]
    [TestCase("front-end-utterance")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

    private GpuDevice _device = null!;
    private FrontEndKernels _kernels = null!;

    [OneTimeSetUp]
    public void Open()
    {
        _device = GpuDevice.Create("ilgpu-cpu");
        _kernels = new FrontEndKernels(_device.Accelerator);
    }

    [OneTimeTearDown]
    public void Close()
    {
        _kernels.Dispose();
        _device.Dispose();
    }

    private static float[] Noise(int length, int seed)
    {
        var random = new Random(TestSeed.For(seed));
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.3f).ToArray();
    }

    /// <summary>A voiced clip: a 150–190 Hz glide with two harmonics and a little noise, then silence.</summary>
    private static float[] Voiced(int length, int seed)
    {
        var random = new Random(TestSeed.For(seed));
        var clip = new float[length];
        double phase = 0;
        for (int n = 0; n < length * 3 / 4; n++)
        {
            phase += 2 * Math.PI * (150 + 40.0 * n / length) / Spectrogram.SampleRate;
            clip[n] = (float)(0.3 * Math.Sin(phase) + 0.1 * Math.Sin(2 * phase) + 0.01 * (random.NextDouble() - 0.5));
        }
        return clip;
    }

    private float[] RunPoisoned(FrontEnd frontEnd, float[][] clips, FeatureNormalizer? normalizer)
    {
        int steps = clips.Max(c => Spectrogram.FrameCount(c.Length));
        using var output = _device.Accelerator.Allocate1D(
            Enumerable.Repeat(float.NaN, clips.Length * steps * frontEnd.Width).ToArray()
        );
        var frames = _kernels.Compute(frontEnd, clips, normalizer, output.View, steps);
        Assert.That(frames, Is.EqualTo(clips.Select(c => Spectrogram.FrameCount(c.Length))));
        return output.GetAsArray1D();
    }

    /// <summary>The kernels' padded batch against the CPU reference (global statistics fitted on the clips, or
    /// each clip's own).</summary>
    private void AssertMatches(FrontEnd frontEnd, float[][] clips, bool global, double tolerance)
    {
        var normalizer = global ? FeatureNormalizer.Fit(clips.Select(c => frontEnd.Compute(c)), frontEnd.Width) : null;
        var actual = RunPoisoned(frontEnd, clips, normalizer);
        var expected = KernelOps.FrontEndReference(frontEnd, clips, normalizer);
        Assert.That(ParityHarness.Error(expected, actual), Is.LessThan(tolerance));
    }

    [Test]
    public void Linear_spectrogram_of_unequal_random_clips_matches_the_reference() =>
        AssertMatches(
            FrontEnd.Paper,
            [Noise(1003, 1), Noise(2417, 2), Noise(311, 3)],
            global: true,
            KernelOps.ForwardTolerance
        );

    /// <summary>The default recipe's front end; a voiced glide (pitch tracked, silence interpolated) beside
    /// noise.</summary>
    [TestCase(true)]
    [TestCase(false)]
    public void Log_mel_with_pitch_and_deltas_matches_the_reference(bool global) =>
        AssertMatches(
            FrontEnd.Mel(64, deltas: true, pitch: true),
            [Voiced(4321, 4), Noise(977, 5), Noise(500, 6)],
            global,
            KernelOps.PitchTolerance
        );

    /// <summary>0.4 s of a real utterance and 0.3 s of another: the CPU accelerator is ~100x slower than plain
    /// C#.</summary>
    [Test]
    public void Real_emodb_speech_matches_the_reference() =>
        AssertMatches(
            FrontEnd.Mel(26, deltas: false, pitch: true),
            [
                WavReader.ReadMono16k(TestData.EmoDbWav("03a01Fa"))[4000..10400],
                WavReader.ReadMono16k(TestData.EmoDbWav("16b10Wb"))[8000..12800],
            ],
            global: true,
            KernelOps.PitchTolerance
        );

    [Test]
    public void Bad_requests_name_the_problem()
    {
        using var output = _device.Accelerator.Allocate1D<float>(10);
        float[][] clips = [Noise(700, 7)];
        Assert.That(
            () => _kernels.Compute(FrontEnd.Functionals, clips, null, output.View, 1),
            Throws.ArgumentException.With.Message.Contains("no device kernels")
        );
        Assert.That(
            () => _kernels.Compute(FrontEnd.Paper, clips, null, output.View, 1),
            Throws.ArgumentException.With.Message.Contains("destination holds 10 values")
        );
        Assert.That(
            () => _kernels.Compute(FrontEnd.Paper, [Array.Empty<float>()], null, output.View, 1),
            Throws.ArgumentException.With.Message.Contains("every clip a sample")
        );
        var narrow = new FeatureNormalizer([0f], [1f]);
        Assert.That(
            () => _kernels.Compute(FrontEnd.Paper, clips, narrow, output.View, 1),
            Throws.ArgumentException.With.Message.Contains("normaliser has 1 columns")
        );
    }
}
