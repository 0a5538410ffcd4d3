using System.Text.Json.Nodes;
using SpeechEmotion.Data;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The NuGet packages as a user gets them: packed into a folder feed, referenced by version from a fresh
/// application outside the repository, and the ser tool installed from the same feed and run from another
/// folder.</summary>
[Category("Slow")]
public class PackageTests
{
    private const string Version = "0.9.0-test";
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private static string Configuration => AppContext.BaseDirectory.Contains("/bin/Debug/") ? "Debug" : "Release";

    private static string GlobalPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string Run(
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        string program,
        params string[] args
    )
    {
        var (code, output) = SerProcess.RunCommand(program, workingDirectory, environment, args);
        Assert.That(code, Is.EqualTo(0), $"{program} {string.Join(' ', args)}\n{output}");
        return output;
    }

    [Test]
    public void Library_package_serves_a_fresh_app_and_the_tool_runs_from_any_folder()
    {
        string root = DataPaths.RepositoryRoot()!;
        string wav = TestData.EmoDbWav("03a01Wa");
        using var dir = new TempDir();
        string feed = Path.Combine(dir.Path, "feed");
        Run(
            root,
            NoEnvironment,
            "dotnet",
            "pack",
            "SpeechEmotion.Native.sln",
            "-c",
            Configuration,
            "--no-build",
            "-o",
            feed,
            $"-p:PackageVersion={Version}"
        );
        Assert.That(
            Directory.GetFiles(feed).Select(Path.GetFileName),
            Is.SupersetOf(
                new[]
                {
                    $"SpeechEmotion.{Version}.nupkg",
                    $"SpeechEmotion.{Version}.snupkg",
                    $"SpeechEmotion.Cuda.{Version}.nupkg",
                    $"ser.{Version}.nupkg",
                }
            )
        );

        using var reference = EmotionRecognizer.FromFile(RecognizerTests.ShippedModel("default"));
        var expected = reference.Recognize(wav);

        // A fresh console application: the package by version from the feed, its dependencies from the machine's cache.
        string app = Path.Combine(dir.Path, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(
            Path.Combine(app, "app.csproj"),
            $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestoreSources>{feed}</RestoreSources>
                <RestorePackagesPath>{Path.Combine(dir.Path, "packages")}</RestorePackagesPath>
                <RestoreAdditionalProjectFallbackFolders>{GlobalPackages}</RestoreAdditionalProjectFallbackFolders>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SpeechEmotion" Version="{Version}" />
              </ItemGroup>
            </Project>
            """
        );
        File.WriteAllText(
            Path.Combine(app, "Program.cs"),
            """
            using SpeechEmotion;
            using var recognizer = EmotionRecognizer.FromDefaultModel();
            var result = recognizer.Recognize(args[0]);
            Console.WriteLine($"{result.Label} {result.Confidence:F6} {result.ModelName}");
            """
        );
        string line = Run(app, NoEnvironment, "dotnet", "run", "-c", "Release", "--", wav).Trim().Split('\n')[^1];
        Assert.That(line, Is.EqualTo($"{expected.Label} {expected.Confidence:F6} default"));

        // The tool, installed from the feed into its own folder and run where no repository is in sight.
        var toolEnvironment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(dir.Path, "tool-cache"),
        };
        string tools = Path.Combine(dir.Path, "tools");
        Run(
            dir.Path,
            toolEnvironment,
            "dotnet",
            "tool",
            "install",
            "ser",
            "--tool-path",
            tools,
            "--add-source",
            feed,
            "--version",
            Version
        );
        string json = Run(dir.Path, NoEnvironment, Path.Combine(tools, "ser"), "predict", wav, "--json");
        var result = TrainingCliTests.JsonLines(json).Single();
        Assert.That(result["model"]!.GetValue<string>(), Is.EqualTo("default"));
        Assert.That(result["emotion"]!.GetValue<string>(), Is.EqualTo(expected.Label));
        Assert.That(
            result["probabilities"]![expected.Label]!.GetValue<double>(),
            Is.EqualTo(expected.Confidence).Within(1e-6)
        );
    }
}
