using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Kernels;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The CPU reference of CopyColumns: concatenation and taking columns back out; misfits are refused.</summary>
public class CopyColumnsTests : OpTest
{
    [TestCase("copy-columns")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

    private readonly CpuBackend<double> _cpu = new();

    private double[] Host(SpeechEmotion.Engine.Tensor<double> t) => ((CpuTensor<double>)t).Span.ToArray();

    [Test]
    public void Concatenates_and_takes_columns_back()
    {
        var left = _cpu.Allocate(3, 4);
        var right = _cpu.Allocate(3, 5);
        _cpu.Upload(Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), left);
        _cpu.Upload(Enumerable.Range(0, 15).Select(i => 100.0 + i).ToArray(), right);
        var both = _cpu.Allocate(3, 9);
        _cpu.Fill(both, double.NaN);
        _cpu.CopyColumns(left, 0, both, 0, 4);
        _cpu.CopyColumns(right, 0, both, 4, 5);
        var y = Host(both);
        for (int r = 0; r < 3; r++)
        {
            Assert.That(y[(r * 9)..(r * 9 + 4)], Is.EqualTo(Enumerable.Range(r * 4, 4).Select(i => (double)i)));
            Assert.That(y[(r * 9 + 4)..(r * 9 + 9)], Is.EqualTo(Enumerable.Range(r * 5, 5).Select(i => 100.0 + i)));
        }
        var back = _cpu.Allocate(3, 2);
        _cpu.CopyColumns(both, 5, back, 0, 2);
        Assert.That(Host(back), Is.EqualTo(new double[] { 101, 102, 106, 107, 111, 112 }));
    }

    [Test]
    public void Refuses_columns_that_do_not_fit_and_unequal_rows()
    {
        var (a, b) = (_cpu.Allocate(3, 4), _cpu.Allocate(3, 6));
        Assert.That(
            () => _cpu.CopyColumns(a, 1, b, 0, 4),
            Throws.ArgumentException.With.Message.Contains("do not fit")
        );
        Assert.That(
            () => _cpu.CopyColumns(a, 0, b, 3, 4),
            Throws.ArgumentException.With.Message.Contains("do not fit")
        );
        Assert.That(
            () => _cpu.CopyColumns(a, 0, _cpu.Allocate(2, 6), 0, 4),
            Throws.ArgumentException.With.Message.Contains("row counts")
        );
    }

    [Test]
    public void Copy_columns_concatenates_and_takes_back()
    {
        var (left, right) = (P.RandomTensor(5, 7), P.RandomTensor(5, 11));
        var both = P.Poisoned(5, 18);
        P.Cpu.CopyColumns(left.Cpu, 0, both.Cpu, 0, 7);
        P.Gpu.CopyColumns(left.Gpu, 0, both.Gpu, 0, 7);
        P.Cpu.CopyColumns(right.Cpu, 0, both.Cpu, 7, 11);
        P.Gpu.CopyColumns(right.Gpu, 0, both.Gpu, 7, 11);
        Assert.That(P.Error(both), Is.EqualTo(0));
        var back = P.Poisoned(5, 9);
        P.Cpu.CopyColumns(both.Cpu, 4, back.Cpu, 0, 9);
        P.Gpu.CopyColumns(both.Gpu, 4, back.Gpu, 0, 9);
        Assert.That(P.Error(back), Is.EqualTo(0));
    }
}
