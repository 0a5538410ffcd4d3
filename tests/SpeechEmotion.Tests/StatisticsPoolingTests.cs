using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Model;

namespace SpeechEmotion.Tests;

/// <summary>The CPU reference of mean+std pooling against the statistics written out, on unequal lengths.</summary>
public class StatisticsPoolingTests
{
    private static readonly int[] Lengths = [7, 1, 4];
    private const int Steps = 7,
        Width = 5;

    private static (Tensor<T> X, Tensor<int> Lens) Inputs<T>(CpuBackend<T> cpu, Func<int, int, int, double> value)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var x = cpu.Allocate(Lengths.Length, Steps, Width);
        var data = new T[x.Length];
        for (int b = 0; b < Lengths.Length; b++)
        for (int t = 0; t < Steps; t++)
        for (int e = 0; e < Width; e++)
            data[(b * Steps + t) * Width + e] = T.CreateChecked(value(b, t, e));
        cpu.Upload(data, x);
        var lens = cpu.AllocateInts(Lengths.Length);
        cpu.Upload(Lengths, lens);
        return (x, lens);
    }

    private static T[] Host<T>(Tensor<T> t)
        where T : unmanaged => ((CpuTensor<T>)t).Span.ToArray();

    [Test]
    public void Mean_and_standard_deviation_over_the_valid_frames_only()
    {
        var cpu = new CpuBackend<double>();
        var random = new Random(5);
        // Padded frames hold huge values: any read of them would show.
        var (x, lens) = Inputs(cpu, (b, t, e) => t < Lengths[b] ? random.NextDouble() * 4 - 2 : 1e9);
        var y = cpu.Allocate(Lengths.Length, 2 * Width);
        cpu.Fill(y, double.NaN);
        cpu.StatisticsPool(x, lens, y);
        var (xs, ys) = (Host(x), Host(y));
        for (int b = 0; b < Lengths.Length; b++)
        for (int e = 0; e < Width; e++)
        {
            var column = Enumerable.Range(0, Lengths[b]).Select(t => xs[(b * Steps + t) * Width + e]).ToArray();
            double mean = column.Average(),
                variance = column.Sum(v => (v - mean) * (v - mean)) / column.Length;
            Assert.That(ys[2 * b * Width + e], Is.EqualTo(mean).Within(1e-12), $"mean b {b} e {e}");
            Assert.That(
                ys[(2 * b + 1) * Width + e],
                Is.EqualTo(Math.Sqrt(variance + StatisticsPooling.Epsilon)).Within(1e-12),
                $"std b {b} e {e}"
            );
        }
    }

    [Test]
    public void Backward_gives_zero_to_padding_and_only_the_mean_part_to_a_constant_utterance()
    {
        var cpu = new CpuBackend<double>();
        var random = new Random(6);
        // Utterance 2 is constant per column: σ = √ε, and x_t − μ = 0 leaves only dμ / L.
        var (x, lens) = Inputs(cpu, (b, t, e) => b == 2 ? e + 0.5 : random.NextDouble() * 4 - 2);
        var y = cpu.Allocate(Lengths.Length, 2 * Width);
        cpu.StatisticsPool(x, lens, y);
        Assert.That(Host(y)[(2 * 2 + 1) * Width], Is.EqualTo(Math.Sqrt(StatisticsPooling.Epsilon)).Within(1e-15));
        var dy = cpu.Allocate(Lengths.Length, 2 * Width);
        cpu.Upload(Enumerable.Range(0, dy.Length).Select(_ => random.NextDouble() - 0.5).ToArray(), dy);
        var dx = cpu.Allocate(Lengths.Length, Steps, Width);
        cpu.Fill(dx, double.NaN);
        cpu.StatisticsPoolBackward(dy, x, y, lens, dx);
        var (dys, dxs) = (Host(dy), Host(dx));
        for (int b = 0; b < Lengths.Length; b++)
        for (int t = 0; t < Steps; t++)
        for (int e = 0; e < Width; e++)
        {
            double got = dxs[(b * Steps + t) * Width + e];
            if (t >= Lengths[b])
                Assert.That(got, Is.EqualTo(0), $"padding b {b} t {t}");
            else if (b == 2)
                Assert.That(got, Is.EqualTo(dys[2 * b * Width + e] / Lengths[b]).Within(1e-15));
        }
    }

    [Test]
    public void Float_keeps_a_small_spread_on_a_large_mean()
    {
        // One pass (E[x²] − μ²) would lose σ ≈ 0.01 on μ = 1000 in float; two passes keep it.
        var random = new Random(7);
        var values = Enumerable
            .Range(0, Lengths.Length * Steps * Width)
            .Select(_ => 1000 + (random.NextDouble() - 0.5) * 0.04)
            .ToArray();
        var (cpuF, cpuD) = (new CpuBackend<float>(), new CpuBackend<double>());
        var (xf, lf) = Inputs(cpuF, (b, t, e) => values[(b * Steps + t) * Width + e]);
        var (xd, ld) = Inputs(cpuD, (b, t, e) => (float)values[(b * Steps + t) * Width + e]);
        var (yf, yd) = (cpuF.Allocate(Lengths.Length, 2 * Width), cpuD.Allocate(Lengths.Length, 2 * Width));
        cpuF.StatisticsPool(xf, lf, yf);
        cpuD.StatisticsPool(xd, ld, yd);
        var (sf, sd) = (Host(yf), Host(yd));
        for (int i = Width; i < 2 * Width; i++)
            Assert.That(sf[i], Is.EqualTo(sd[i]).Within(1e-3 * sd[i]), $"σ of column {i - Width}");
    }

    [Test]
    public void Model_config_names_the_pooling_and_widens_fc1()
    {
        var config = new ModelConfig
        {
            InputSize = 6,
            Hidden = 4,
            Heads = 2,
            Classes = 3,
            Pooling = PoolingKind.MeanStd,
        };
        using var model = new SerModel<double>(new CpuBackend<double>(), config, seed: 1);
        Assert.That(config.Architecture, Does.EndWith("mean+std pooling"));
        Assert.That(
            model.Parameters.All.Single(p => p.Name == "fc1.weight").Value.Length,
            Is.EqualTo(config.FcSize * 4 * config.Hidden)
        );
    }
}
