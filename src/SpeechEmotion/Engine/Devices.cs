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

    /// <summary>Opens a device; when it is unknown or fails to open, the CPU, with the reason in <paramref
    /// name="fallback"/>.</summary>
    public static IBackend<float> OpenOrCpu(string device, int? cpuThreads, out string? fallback)
    {
        fallback = null;
        if (device == "cpu") return new CpuBackend<float>(cpuThreads);
        var names = device == "auto" ? Providers.Keys.Where(k =>
            k.StartsWith("cuda", StringComparison.Ordinal)).ToList() : [device];
        foreach (var name in names)
        {
            string family = name.Split(':')[0];
            if (!Providers.TryGetValue(family, out var factory))
            {
                string known = string.Join(", ", ["cpu", .. Providers.Keys]);
                fallback = $"device '{device}' is not available in this build (registered: {known})";
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
        if (device == "auto") fallback = null; // no accelerator is the normal case for auto
        return new CpuBackend<float>(cpuThreads);
    }
}
