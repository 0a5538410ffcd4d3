using System.CommandLine;
using SpeechEmotion.Cli.Commands;

/// <summary>The GPU half of `ser`, compiled only into JIT builds: the trimmed and NativeAOT builds leave this folder
/// and the ILGPU backend out (ILGPU generates code at run time), and the calls below then compile to nothing.</summary>
internal partial class Program
{
    static partial void RegisterGpuBackends() => SpeechEmotion.Kernels.Backends.Register();

    static partial void AddGpuCommands(RootCommand root) => root.Subcommands.Add(DoctorCommand.Create());
}
