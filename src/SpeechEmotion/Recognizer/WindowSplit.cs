namespace SpeechEmotion;

/// <summary>
/// How audio longer than the window is cut: windows of the maximum length, except that the last two share what is
/// left of them equally (so no window is a sliver). Read from a stream, this needs a look-ahead of two windows.
/// </summary>
internal static class WindowSplit
{
    /// <summary>Window lengths for n samples with at most <paramref name="max"/> per window.</summary>
    public static IEnumerable<int> Sizes(long n, int max)
    {
        for (; n > 2L * max; n -= max)
            yield return max;
        foreach (int size in Last(n, max))
            yield return size;
    }

    /// <summary>The final one or two windows of a remainder of at most two windows.</summary>
    public static int[] Last(long n, int max) => n <= max ? [(int)n] : [(int)(n / 2), (int)(n - n / 2)];
}
