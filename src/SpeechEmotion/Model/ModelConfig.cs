using SpeechEmotion.Engine;
using SpeechEmotion.Features;

namespace SpeechEmotion.Model;

/// <summary>Emotion classes, or a sentiment score.</summary>
public enum SerTask
{
    Classification,
    Regression,
}

/// <summary>How the frames of an utterance become one vector: their mean (the paper), or mean and standard
/// deviation.</summary>
public enum PoolingKind
{
    Mean,
    MeanStd,
}

/// <summary>
/// Shape and regularisation of the network (paper §3, Table 2 defaults for Emo-DB). UseAttention = false gives the
/// Bi-GRU-only baseline of the paper's Table 3 (pooling straight from the GRU output).
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Values per frame: 400 linear bins, or the number of mel bands; 2 more with Pitch; three times that with
    /// Deltas.</summary>
    public int InputSize { get; init; } = 400;

    /// <summary>The front end the input comes from (<see cref="Features.FrontEnd"/>); files from before it existed are
    /// linear.</summary>
    public FeatureKind Features { get; init; } = FeatureKind.Linear;

    /// <summary>Each frame also holds the features' first and second time derivatives (InputSize = 3 ×
    /// bands).</summary>
    public bool Deltas { get; init; }

    /// <summary>Each frame also holds log F0 and periodicity after the bands (two more inputs, before any
    /// deltas).</summary>
    public bool Pitch { get; init; }

    /// <summary>Channels of a temporal convolution + ReLU between the features and the GRU; 0 (the paper) for
    /// none.</summary>
    public int ConvChannels { get; init; }

    /// <summary>Frames the convolution sees (odd, centred on the frame).</summary>
    public int ConvKernel { get; init; } = 5;

    /// <summary>Bands the convolution also spans (odd): 0 convolves over time only, every feature a channel (Conv1d);
    /// otherwise a Conv2d over time × bands whose input channels are the front end's bands, Δ and ΔΔ (pitch's two
    /// values count as two more bands) and whose outputs for every band position all go to the GRU.</summary>
    public int ConvBandKernel { get; init; }

    /// <summary>Bands the 2-D convolution moves per output position: it downsamples the frequency axis by this
    /// factor.</summary>
    public int ConvBandStride { get; init; } = 2;

    /// <summary>Convolution layers stacked: each after the first has twice its predecessor's channels, the same kernels
    /// and band stride, and reads its output (a 2-D layer's band positions are its bands); files from before it existed
    /// have one.</summary>
    public int ConvLayers { get; init; } = 1;
    public int Hidden { get; init; } = 128;
    public int Heads { get; init; } = 8;
    public bool UseAttention { get; init; } = true;

    /// <summary>Mean (the paper) or mean and standard deviation over the frames; files from before it existed use the
    /// mean.</summary>
    public PoolingKind Pooling { get; init; } = PoolingKind.Mean;

    /// <summary>fc1 also reads the mean and standard deviation of each input feature over the utterance (not in the
    /// paper).</summary>
    public bool InputStatistics { get; init; }
    public int FcSize { get; init; } = 128;
    public int Classes { get; init; } = 7;
    public float AttentionDropout { get; init; } = 0.2f;
    public float OutputDropout { get; init; } = 0.2f;
    public LossKind Loss { get; init; } = LossKind.L1;

    /// <summary>Regression: one output, prediction = ScoreRange·tanh(output), L1 loss on the score (the paper's Table
    /// 7).</summary>
    public SerTask Task { get; init; } = SerTask.Classification;

    /// <summary>Labels lie in [−ScoreRange, ScoreRange] (MOSI 3, CH-SIMS 1).</summary>
    public double ScoreRange { get; init; } = 3;

    public int Embed => 2 * Hidden;

    /// <summary>The front end this config reads (see <see cref="Features.FrontEnd.For"/>).</summary>
    public FrontEnd InputFrontEnd() => FrontEnd.For(Features, InputSize, Deltas, Pitch);

    /// <summary>This config set up to read <paramref name="frontEnd"/>.</summary>
    public ModelConfig WithFrontEnd(FrontEnd frontEnd) =>
        this with
        {
            Features = frontEnd.Kind,
            Deltas = frontEnd.Deltas,
            Pitch = frontEnd.Pitch,
            InputSize = frontEnd.Width,
        };

    /// <summary>The baseline: one row of utterance functionals into a linear softmax layer, or with FcSize &gt; 0 one
    /// hidden FC + ReLU layer and dropout first; the GRU, attention and convolution settings are unused.</summary>
    public bool IsFunctionals => Features == FeatureKind.Functionals;

    /// <summary>The layers in a few words for logs, e.g. "conv2d 16×5×5/2, Bi-GRU 128, 8 heads, mean+std
    /// pooling".</summary>
    public string Architecture =>
        IsFunctionals
            ? $"{InputSize} utterance functionals → " + (FcSize > 0 ? $"FC {FcSize} + ReLU → " : "") + "linear softmax"
            : (
                ConvChannels == 0
                    ? ""
                    : string.Concat(
                        Enumerable
                            .Range(0, ConvLayers)
                            .Select(l =>
                                ConvBandKernel > 0
                                    ? $"conv2d {ConvLayerChannels(l)}×{ConvKernel}×{ConvBandKernel}/{ConvBandStride}, "
                                    : $"conv {ConvLayerChannels(l)}×{ConvKernel}, "
                            )
                    )
            )
                + $"Bi-GRU {Hidden}, "
                + (UseAttention ? $"{Heads} heads" : "no attention")
                + (Pooling == PoolingKind.MeanStd ? ", mean+std pooling" : "")
                + (InputStatistics ? ", input statistics" : "");

    /// <summary>Output channels of convolution layer l (from 0): they double from layer to layer.</summary>
    public int ConvLayerChannels(int layer) => ConvChannels << layer;

    /// <summary>Convolution layer l's im2col: over time only, or over time × bands; the first layer's input channels
    /// are the features and their deltas, a later 2-D layer's are its predecessor's channels at each band
    /// position.</summary>
    public UnfoldShape ConvLayerShape(int layer) =>
        ConvBandKernel == 0 ? new(ConvKernel)
        : layer == 0 ? new(ConvKernel, Deltas ? InputSize / 3 : InputSize, ConvBandKernel, ConvBandStride)
        : new(ConvKernel, ConvLayerShape(layer - 1).Positions, ConvBandKernel, ConvBandStride, FrameLayout.BandMajor);

    /// <summary>Values per frame convolution layer l reads (l = ConvLayers: what the GRU reads).</summary>
    public int ConvLayerInput(int layer) =>
        layer == 0 ? InputSize : ConvLayerChannels(layer - 1) * ConvLayerShape(layer - 1).Positions;

    /// <summary>Values per frame the GRU reads: the last convolution's channels at each band position, or the features
    /// themselves.</summary>
    public int GruInputSize => ConvChannels > 0 ? ConvLayerInput(ConvLayers) : InputSize;

    /// <summary>Bounds on every size, so that a config read from an untrusted file cannot make the model allocate
    /// gigabytes (hidden 4096 already means 200 MB of recurrent weights).</summary>
    public const int MaxInput = 8192,
        MaxHidden = 4096,
        MaxFc = 8192,
        MaxClasses = 1024,
        MaxHeads = 256,
        MaxChannels = 1024;

    public void Validate()
    {
        if (InputSize < 1 || Hidden < 1 || FcSize < (IsFunctionals ? 0 : 1) || ConvChannels < 0)
            throw new ArgumentException($"invalid model sizes: {this}");
        if (
            InputSize > MaxInput
            || Hidden > MaxHidden
            || FcSize > MaxFc
            || Classes > MaxClasses
            || Heads > MaxHeads
            || ConvChannels > MaxChannels
            || ConvKernel > 99
            || ConvBandKernel > 99
        )
            throw new ArgumentException(
                $"model sizes out of range (input ≤ {MaxInput}, hidden ≤ {MaxHidden}, "
                    + $"fc ≤ {MaxFc}, classes ≤ {MaxClasses}, heads ≤ {MaxHeads}, channels ≤ {MaxChannels}, "
                    + $"kernels ≤ 99): input {InputSize}, hidden {Hidden}, fc {FcSize}, classes {Classes}, "
                    + $"heads {Heads}, channels {ConvChannels}"
            );
        if (ConvChannels > 0 && (ConvKernel < 1 || ConvKernel % 2 == 0))
            throw new ArgumentException($"the convolution kernel must be odd and positive, got {ConvKernel}");
        if (ConvBandKernel < 0 || ConvBandKernel % 2 == 0 && ConvBandKernel != 0)
            throw new ArgumentException(
                $"the convolution's band kernel must be odd and positive (or 0 for none), got {ConvBandKernel}"
            );
        if (ConvBandKernel > 0 && ConvChannels == 0)
            throw new ArgumentException(
                $"a band kernel ({ConvBandKernel}) needs a convolution: give it channels (setting ConvChannels)"
            );
        // Channels double per layer: 8 layers of 16 end at 2048.
        if (ConvLayers is < 1 or > 8 || ConvLayers > 1 && ConvChannels == 0)
            throw new ArgumentException(
                "convolution layers must number 1 to 8 and stacking needs channels "
                    + $"(setting ConvChannels); got {ConvLayers} layers of {ConvChannels} channels"
            );
        if (ConvBandStride < 1)
            throw new ArgumentException($"the convolution's band stride must be positive, got {ConvBandStride}");
        if (Task == SerTask.Classification ? Classes < 2 : Classes != 1 || ScoreRange <= 0)
            throw new ArgumentException(
                Task == SerTask.Classification
                    ? "classification needs at least 2 classes"
                    : "regression needs Classes = 1 and a positive score range"
            );
        if (UseAttention && (Heads < 1 || Embed % Heads != 0))
            throw new ArgumentException($"{Heads} heads do not divide 2H = {Embed}");
        if (AttentionDropout is < 0 or >= 1 || OutputDropout is < 0 or >= 1)
            throw new ArgumentException(
                $"dropout must be in [0, 1), got {OutputDropout} after fc1 and {AttentionDropout} on attention"
            );
    }
}
