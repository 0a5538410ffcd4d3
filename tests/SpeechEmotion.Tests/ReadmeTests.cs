using System.Text.RegularExpressions;
using SpeechEmotion.Data;

namespace SpeechEmotion.Tests;

/// <summary>The README renders as written: every code fence that opens also closes.</summary>
public class ReadmeTests
{
    [TestCase("README.md")]
    [TestCase("docs/package/README.md")]
    public void Every_code_fence_closes(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(DataPaths.RepositoryRoot()!, file));
        int? open = null;
        for (int i = 0; i < lines.Length; i++)
        {
            var fence = Regex.Match(lines[i], @"^\s*```(\S*)");
            if (!fence.Success)
                continue;
            if (open is null)
                open = i + 1;
            else if (fence.Groups[1].Length == 0)
                open = null;
            else
                Assert.Fail($"{file}:{i + 1} opens a ```{fence.Groups[1].Value} block inside the one of line {open}");
        }
        Assert.That(open, Is.Null, $"{file}: the code block opened at line {open} never closes");
    }
}
