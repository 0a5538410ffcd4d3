using SpeechEmotion.Engine;
using SpeechEmotion.Features;

namespace SpeechEmotion.Kernels;

// The front end on the device (FrontEndKernels), compiled on first use.
public sealed partial class IlgpuBackend : IFeatureBackend
{
    private FrontEndKernels? _frontEnd;

    public bool Computes(FrontEnd frontEnd) => FrontEndKernels.Supports(frontEnd);

    public int[] Features(
        FrontEnd frontEnd,
        IReadOnlyList<float[]> clips,
        FeatureNormalizer? normalizer,
        Tensor<float> destination
    )
    {
        if (destination.Shape.Length != 3)
            throw new ArgumentException($"the destination must be [clips, steps, width], not {destination}");
        _frontEnd ??= new FrontEndKernels(Accelerator);
        return _frontEnd.Compute(frontEnd, clips, normalizer, Gpu(destination).View, destination.Shape[1]);
    }
}
