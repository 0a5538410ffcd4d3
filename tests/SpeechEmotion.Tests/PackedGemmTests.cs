using System.Numerics;
using SpeechEmotion.Engine.Cpu;

namespace SpeechEmotion.Tests;

/// <summary>The packed GEMM against a plain triple loop in double: every transpose, strided views, sizes that cut the
/// 6×NR micro-tile and the 256-deep k-block, α and β, a NaN-poisoned C when β = 0, one thread and two (the last
/// size is large enough for parallel row blocks and a B packed by k-blocks in parallel).</summary>
public class PackedGemmTests
{
    private static readonly (int M, int N, int K)[] Sizes =
    [
        (1, 1, 1),
        (1, 37, 29),
        (13, 1, 7),
        (7, 17, 300),
        (37, 29, 23),
        (50, 33, 513),
        (20, 130, 600),
    ];

    [Test]
    public void FloatMatchesNaiveProduct() => Check<float>(2e-6);

    [Test]
    public void DoubleMatchesNaiveProduct() => Check<double>(1e-14);

    private static void Check<T>(double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(17);
        foreach (var (m, n, k) in Sizes)
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (0.7, 1.0), (-1.3, 0.5) })
        foreach (int threads in new[] { 1, 2 })
        {
            // Strides larger than the logical width, offsets inside bigger arrays: the QKV-slice case.
            int lda = (transA ? m : k) + 3,
                ldb = (transB ? k : n) + 2,
                ldc = n + 5;
            var a = Fill<T>(random, 4 + (transA ? k : m) * lda);
            var b = Fill<T>(random, 1 + (transB ? n : k) * ldb);
            var c = Fill<T>(random, 2 + m * ldc);
            if (beta == 0)
                Array.Fill(c, T.NaN);
            var before = (T[])c.Clone();
            var A = new MatrixView<T>(a, 4, lda, transA);
            var B = new MatrixView<T>(b, 1, ldb, transB);
            PackedGemm<T>.Multiply(
                m,
                n,
                k,
                T.CreateChecked(alpha),
                A,
                B,
                T.CreateChecked(beta),
                new MatrixView<T>(c, 2, ldc),
                threads
            );
            double worst = 0;
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0,
                    scale = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = double.CreateChecked(A[i, p]),
                        y = double.CreateChecked(B[p, j]);
                    sum += x * y;
                    scale += Math.Abs(x * y);
                }
                double old = beta == 0 ? 0 : double.CreateChecked(before[2 + i * ldc + j]);
                double expected = alpha * sum + beta * old;
                double got = double.CreateChecked(c[2 + i * ldc + j]);
                worst = Math.Max(
                    worst,
                    Math.Abs(got - expected) / (Math.Abs(alpha) * scale + Math.Abs(beta * old) + 1e-30)
                );
            }
            Assert.That(
                worst,
                Is.Not.NaN.And.LessThanOrEqualTo(tolerance),
                $"{m}×{n}×{k} transA {transA} transB {transB} α {alpha} β {beta}, {threads} threads"
            );
            // Elements outside the m×n window (stride padding) are untouched.
            for (int i = 0; i < m; i++)
            for (int j = n; j < ldc && 2 + i * ldc + j < c.Length; j++)
                Assert.That(c[2 + i * ldc + j], Is.EqualTo(before[2 + i * ldc + j]).Or.NaN);
        }
    }

    [Test]
    public void RejectsACViewThatDoesNotFit()
    {
        var a = new float[12];
        Assert.Throws<ArgumentException>(() =>
            PackedGemm<float>.Multiply(
                3,
                4,
                3,
                1f,
                new MatrixView<float>(a, 0, 3),
                new MatrixView<float>(a, 0, 4),
                0f,
                new MatrixView<float>(new float[11], 0, 4)
            )
        );
    }

    private static T[] Fill<T>(Random random, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Enumerable.Range(0, length).Select(_ => T.CreateChecked(random.NextDouble() * 2 - 1)).ToArray();
}
