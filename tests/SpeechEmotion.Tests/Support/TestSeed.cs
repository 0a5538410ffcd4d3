namespace SpeechEmotion.Tests.Support;

/// <summary>
/// Seeds for tests that draw random inputs: fixed by default (a failure reproduces), SER_TEST_SEED=N to try another,
/// SER_TEST_SEED=random for a new one each run; the seed used is written to the test's output, which a failure
/// shows.
/// </summary>
public static class TestSeed
{
    public static int For(int fixedSeed)
    {
        string? value = Environment.GetEnvironmentVariable("SER_TEST_SEED");
        int seed = value switch
        {
            null or "" => fixedSeed,
            "random" => Environment.TickCount,
            _ => int.TryParse(value, out int n)
                ? n
                : throw new ArgumentException($"SER_TEST_SEED={value}: not a number"),
        };
        TestContext.Out.WriteLine($"seed {seed} (SER_TEST_SEED=N or random to change it)");
        return seed;
    }
}
