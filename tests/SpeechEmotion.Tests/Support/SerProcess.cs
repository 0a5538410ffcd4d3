using System.Diagnostics;

namespace SpeechEmotion.Tests.Support;

/// <summary>Runs the built `ser` CLI (ser.dll next to the tests) as a child process; one that hangs is killed and
/// fails.</summary>
public static class SerProcess
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static (int ExitCode, string Output) Run(params string[] args) =>
        RunWith(new Dictionary<string, string>(), args);

    /// <summary>With extra environment variables (e.g. DOTNET_EnableAVX=0 to run the portable 128-bit SIMD
    /// path).</summary>
    public static (int ExitCode, string Output) RunWith(
        IReadOnlyDictionary<string, string> environment,
        params string[] args
    ) => Start(environment, null, args);

    /// <summary>With bytes on standard input (closed after them).</summary>
    public static (int ExitCode, string Output) RunWithInput(byte[] input, params string[] args) =>
        Start(new Dictionary<string, string>(), input, args);

    /// <summary>Any program (dotnet, the C compiler, an installed tool) in a working folder, with extra
    /// environment.</summary>
    public static (int ExitCode, string Output) RunCommand(
        string program,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        params string[] args
    )
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        return Wait(info, program, args, null);
    }

    /// <summary>Another program built next to the tests (e.g. the sample application).</summary>
    public static (int ExitCode, string Output) RunProgram(string dll, params string[] args) =>
        Start(new Dictionary<string, string>(), null, args, dll);

    private static (int ExitCode, string Output) Start(
        IReadOnlyDictionary<string, string> environment,
        byte[]? input,
        string[] args,
        string dll = "ser.dll"
    )
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
        };
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["COLUMNS"] = "200";
        return Wait(info, dll, args, input);
    }

    private static (int ExitCode, string Output) Wait(ProcessStartInfo info, string name, string[] args, byte[]? input)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{name} {string.Join(' ', args)} did not finish within {Timeout.TotalMinutes} minutes");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
