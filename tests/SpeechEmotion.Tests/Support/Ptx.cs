using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using SpeechEmotion.Kernels;

namespace SpeechEmotion.Tests.Support;

/// <summary>The PTX that ILGPU generates for a kernel of the GPU backend, for Hopper (sm_90), without a GPU: what the
/// CUDA driver would receive, so tests can check register use, barriers and instructions.</summary>
public static class Ptx
{
    public static string Of(string kernel)
    {
        using var context = Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O1));
        var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null!);
        var method =
            typeof(IlgpuBackend).GetMethod(kernel, BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new ArgumentException($"no kernel {kernel}");
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
        return ((PTXCompiledKernel)backend.Compile(entry, new KernelSpecialization())).PTXAssembly;
    }

    public static int Count(string ptx, string instruction) =>
        ptx.Split('\n').Count(line => line.TrimStart().StartsWith(instruction, StringComparison.Ordinal));
}
