using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>Multi-head attention (<c>CpuBackend.Attention.cs</c>; kernel <c>Attention.cs</c>;
/// <c>AttentionLayer.cs</c>): float64 gradient check and ILGPU parity.</summary>
public class AttentionTests : OpTest
{
    [TestCase("attention-forward")]
    [TestCase("attention-backward")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(4)]
    public void Attention_gradients(int heads) => AssertGradients(GradientCheck.Attention(heads, 20 + heads), 5);

    [TestCase(1, 0f, 9)]
    [TestCase(2, 0.2f, 9)]
    [TestCase(3, 0.2f, 9)]
    [TestCase(6, 0f, 9)]
    // 70 steps: rows longer than a warp, several 64-wide blocks of the score matrix, lengths 70 / 33 / 1.
    [TestCase(3, 0.2f, 70)]
    public void Attention_forward_and_backward(int heads, float dropout, int steps)
    {
        const int embed = 12;
        int[] lengths = steps == 9 ? [5, 9, 1] : [steps, 33, 1];
        int batch = lengths.Length;
        var lens = P.Ints(lengths);
        var spec = dropout > 0 ? new DropoutSpec(dropout, (ulong)P.Seed, 3, 1) : DropoutSpec.None;
        var qkv = P.RandomTensor(batch, steps, 3 * embed);
        var probs = P.Poisoned(batch, heads, steps, steps);
        var context = P.Poisoned(batch, steps, embed);
        P.Cpu.AttentionForward(qkv.Cpu, lens.Cpu, heads, spec, probs.Cpu, context.Cpu);
        P.Gpu.AttentionForward(qkv.Gpu, lens.Gpu, heads, spec, probs.Gpu, context.Gpu);
        Assert.That(P.Error(probs), Is.LessThanOrEqualTo(ForwardTolerance), "probabilities");
        Assert.That(P.Error(context), Is.LessThanOrEqualTo(ForwardTolerance), "context");

        var dContext = P.RandomTensor(batch, steps, embed);
        var dQkv = P.Poisoned(batch, steps, 3 * embed);
        P.Cpu.AttentionBackward(dContext.Cpu, qkv.Cpu, probs.Cpu, lens.Cpu, heads, spec, dQkv.Cpu);
        P.Gpu.AttentionBackward(dContext.Gpu, qkv.Gpu, probs.Gpu, lens.Gpu, heads, spec, dQkv.Gpu);
        Assert.That(P.Error(dQkv), Is.LessThanOrEqualTo(GradientTolerance), "dQKV");
    }

    /// <summary>Scores far beyond float's exp range (|q·k|/√d in the thousands): both backends must give the same
    /// near-one-hot probabilities, not ∞/∞.</summary>
    [Test]
    public void Attention_softmax_survives_huge_scores()
    {
        const int heads = 3,
            embed = 12,
            steps = 9;
        var lens = P.Ints(9, 4);
        var qkv = P.Data(P.RandomData(2 * steps * 3 * embed, 40f), 2, steps, 3 * embed);
        var probs = P.Poisoned(2, heads, steps, steps);
        var context = P.Poisoned(2, steps, embed);
        P.Cpu.AttentionForward(qkv.Cpu, lens.Cpu, heads, DropoutSpec.None, probs.Cpu, context.Cpu);
        P.Gpu.AttentionForward(qkv.Gpu, lens.Gpu, heads, DropoutSpec.None, probs.Gpu, context.Gpu);
        Assert.That(
            ParityHarness.Host(P.Cpu, probs.Cpu),
            Is.All.Matches<float>(float.IsFinite),
            "reference probabilities"
        );
        // Scores reach 4 · 40² / √4 = 3 200, where one float ulp is 2.4e-4: two summation orders differ by that much in
        // the exponent, and so in the probabilities (1e-5 failed once, on a clean-clone CI run's random draw: 1.07e-5).
        const double hugeScoreTolerance = 1e-3;
        Assert.That(P.Error(probs), Is.LessThanOrEqualTo(hugeScoreTolerance), "probabilities");
        Assert.That(P.Error(context), Is.LessThanOrEqualTo(hugeScoreTolerance), "context");
    }
}
