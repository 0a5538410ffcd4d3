using SpeechEmotion.Engine;

namespace SpeechEmotion.Tests;

public class PhiloxTests
{
    // Known-answer vectors of Philox4x32-10 from Random123 (kat_vectors).
    [TestCase(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [TestCase(
        0xffffffffu,
        0xffffffffu,
        0xffffffffu,
        0xffffffffu,
        0xffffffffu,
        0xffffffffu,
        0x408f276du,
        0x41c83b0eu,
        0xa20bc7c6u,
        0x6d5451fdu
    )]
    [TestCase(
        0x243f6a88u,
        0x85a308d3u,
        0x13198a2eu,
        0x03707344u,
        0xa4093822u,
        0x299f31d0u,
        0xd16cfe09u,
        0x94fdccebu,
        0x5001e420u,
        0x24126ea1u
    )]
    public void Matches_random123_known_answers(
        uint c0,
        uint c1,
        uint c2,
        uint c3,
        uint k0,
        uint k1,
        uint e0,
        uint e1,
        uint e2,
        uint e3
    )
    {
        Philox.Block(ref c0, ref c1, ref c2, ref c3, k0, k1);
        Assert.That(new[] { c0, c1, c2, c3 }, Is.EqualTo(new[] { e0, e1, e2, e3 }));
    }

    [Test]
    public void Dropout_keeps_about_one_minus_p_and_scales_kept_values()
    {
        var spec = new DropoutSpec(0.2f, 42, 7, 1);
        var keeps = Enumerable.Range(0, 100_000).Select(i => Philox.Keep(spec, i)).ToArray();
        Assert.That(keeps.Distinct().Order(), Is.EqualTo(new[] { 0f, 1f / 0.8f }));
        Assert.That(keeps.Count(k => k > 0) / 100_000.0, Is.EqualTo(0.8).Within(0.005));
        var otherStep = Enumerable.Range(0, 1000).Select(i => Philox.Keep(spec with { Step = 8 }, i));
        Assert.That(otherStep, Is.Not.EqualTo(keeps.Take(1000)), "a new step draws a new mask");
    }

    [Test]
    public void FillKeep_matches_Keep_element_by_element_from_any_start()
    {
        var spec = new DropoutSpec(0.3f, 0x1234_5678_9ABCUL, 0x1_0000_0003UL, 2);
        // Unaligned heads, 64-element AVX2 runs, 16-element runs of four interleaved blocks, and tails.
        foreach (int start in new[] { 0, 1, 6, 1003 })
        foreach (int length in new[] { 0, 3, 16, 37, 63, 64, 130, 300 })
        {
            var fast = new float[length];
            Philox.FillKeep(spec, start, fast);
            Assert.That(
                fast,
                Is.EqualTo(Enumerable.Range(start, length).Select(i => Philox.Keep(spec, i)).ToArray()),
                $"start {start}, length {length}"
            );
        }
    }
}
