using System.Collections.Concurrent;
using SpeechEmotion.Engine.Cpu;

namespace SpeechEmotion.Engine;

/// <summary>
/// Devices by name for code that must not depend on a GPU package: "cpu" is always here; a backend package registers
/// its own names (SpeechEmotion.Kernels registers "cuda", "cuda:N", "ilgpu-cpu"). "auto" takes the first registered
/// accelerator that opens, else the CPU.
/// </summary>
public static class Devices
{
    private static readonly ConcurrentDictionary<string, Func<string, IBackend<float>>> Providers = new();

    /// <summary>Makes <paramref name="name"/> (and "name:N") open through <paramref name="factory"/>, which gets the
    /// full name.</summary>
    public static void Register(string name, Func<string, IBackend<float>> factory) => Providers[name] = factory;

    /// <summary>The device names this build knows, for help text: "auto | cpu" and whatever backends
    /// registered.</summary>
    public static string Help =>
        string.Join(
            " | ",
            [
                "auto",
                "cpu",
                .. Providers
                    .Keys.Order(StringComparer.Ordinal)
                    .SelectMany(k => k == "cuda" ? new[] { "cuda", "cuda:N" } : [k]),
            ]
        );

    /// <summary>Throws <see cref="ArgumentException"/> for a name that no registered backend handles.</summary>
    public static void Check(string device)
    {
        if (device is not ("auto" or "cpu") && !Providers.ContainsKey(device.Split(':')[0]))
            throw new ArgumentException(Unknown(device));
    }

    private static string Unknown(string device) => $"unknown device '{device}' (this build has {Help})";

    /// <summary>Opens a device, or throws <see cref="ArgumentException"/> saying why it is unknown or did not open;
    /// "auto" is the first accelerator that opens, else the CPU.</summary>
    public static IBackend<float> Open(string device, int? cpuThreads = null)
    {
        var backend = OpenOrCpu(device, cpuThreads, out string? fallback);
        if (fallback is null)
            return backend;
        backend.Dispose();
        throw new ArgumentException(fallback);
    }

    /// <summary>Opens a device; when it is unknown or fails to open, the CPU, with the reason in <paramref
    /// name="fallback"/>.</summary>
    public static IBackend<float> OpenOrCpu(string device, int? cpuThreads, out string? fallback)
    {
        fallback = null;
        if (device == "cpu")
            return new CpuBackend<float>(cpuThreads);
        var names =
            device == "auto"
                ? Providers.Keys.Where(k => k.StartsWith("cuda", StringComparison.Ordinal)).ToList()
                : [device];
        foreach (var name in names)
        {
            string family = name.Split(':')[0];
            if (!Providers.TryGetValue(family, out var factory))
            {
                fallback = Unknown(device);
                continue;
            }
            try
            {
                return factory(name);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                fallback = $"device '{name}' did not open: {e.Message}";
            }
        }
        if (device == "auto")
            fallback = null; // no accelerator is the normal case for auto
        return new CpuBackend<float>(cpuThreads);
    }
}
