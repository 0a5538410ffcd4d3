using SpeechEmotion.Engine.Cpu;

namespace SpeechEmotion.Engine.Ops;

/// <summary>
/// Where an op's host inputs come from, drawn once so that every backend gets the same: values uniform in
/// (−scale, scale) and never exactly zero, sequence lengths unequal (the full length, 1 and random ones between)
/// unless <paramref name="equalLengths"/> (benchmarks, like the padded batches of the PyTorch baseline), one seeded
/// generator.
/// The float CPU backend computes what a backward op reads from its forward pass.
/// </summary>
public sealed class OpData(OpShape shape, int seed, bool equalLengths = false)
{
    public OpShape Shape => shape;
    public int Seed => seed;
    public Random Random { get; } = new(seed);
    public CpuBackend<float> Cpu { get; } = new();

    public float[] Uniform(int length, float scale = 1f) => Uniform(Random, length, scale);

    public static float[] Uniform(Random random, int length, float scale = 1f)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            do data[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            while (data[i] == 0);
        }
        return data;
    }

    public int[] Lengths()
    {
        if (equalLengths)
            return [.. Enumerable.Repeat(shape.Steps, shape.Batch)];
        var lengths = Enumerable.Range(0, shape.Batch).Select(_ => Random.Next(1, shape.Steps + 1)).ToArray();
        lengths[0] = shape.Steps;
        if (shape.Batch > 1)
            lengths[1] = 1;
        return lengths;
    }
}
