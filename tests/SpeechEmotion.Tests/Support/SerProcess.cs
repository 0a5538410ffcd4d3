using System.Diagnostics;

namespace SpeechEmotion.Tests.Support;

/// <summary>Runs the built `ser` CLI (ser.dll next to the tests) as a child process.</summary>
public static class SerProcess
{
    public static (int ExitCode, string Output) Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>With extra environment variables (e.g. DOTNET_EnableAVX=0 to run the portable 128-bit SIMD path).</summary>
    public static (int ExitCode, string Output) RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ser.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + stderr.Result);
    }
}
