using SpeechEmotion.Data;

namespace SpeechEmotion.Tests;

/// <summary>The code is laid out by CSharpier at 120 columns (`dotnet tool restore`, then `dotnet csharpier format
/// .`); this checks the part a reader notices without the tool: no line of C# over 120 characters.</summary>
public class CodeStyleTests
{
    [Test]
    public void Every_line_of_csharp_fits_120_characters()
    {
        string root = DataPaths.RepositoryRoot()!;
        var sources = new[] { "src", "kernels", "tests", "benchmarks", "samples" }
            .Select(d => Path.Combine(root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .ToList();
        Assert.That(sources, Has.Count.GreaterThan(100));
        var wide = sources
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, Line: i + 1, line.Length)))
            .Where(l => l.Length > 120)
            .Select(l => $"{Path.GetRelativePath(root, l.f)}:{l.Line} ({l.Length})")
            .ToList();
        Assert.That(wide, Is.Empty, $"{wide.Count} lines over 120 characters, e.g. {string.Join(", ", wide.Take(10))}");
    }
}
