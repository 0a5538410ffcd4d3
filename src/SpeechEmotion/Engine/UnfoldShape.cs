namespace SpeechEmotion.Engine;

/// <summary>
/// The im2col of a convolution over frames (time) and, optionally, over the bands within a frame. A frame of F values
/// holds F / Bands input channels of Bands values each, channel-major (the front end's [bands, Δ bands, ΔΔ bands]). The
/// kernel spans Kernel frames and BandKernel bands, centred ("same" zero padding), and steps BandStride bands, so each
/// frame gives Positions = ⌈Bands / BandStride⌉ rows of ColumnWidth = channels · BandKernel · Kernel values:
///   cols[b, t, p, (c·Kf + j)·Kt + k] = x[b, t + k − Kt/2, c·Bands + p·S + j − Kf/2], 0 outside the utterance or the bands.
/// Bands = 1 (the default) is the temporal convolution: every value of a frame is a channel of its own.
/// </summary>
public readonly record struct UnfoldShape(int Kernel, int Bands = 1, int BandKernel = 1, int BandStride = 1)
{
    public int Positions => (Bands + BandStride - 1) / BandStride;
    public int Channels(int width) => width / Bands;
    public int ColumnWidth(int width) => Channels(width) * BandKernel * Kernel;
    /// <summary>Values of the columns per frame of the input.</summary>
    public int FrameColumns(int width) => Positions * ColumnWidth(width);

    /// <summary>The band that tap j of band position p reads (outside [0, Bands) for padding).</summary>
    public int BandAt(int position, int tap) => position * BandStride + tap - BandKernel / 2;

    /// <summary>The band position whose tap j reads the given band, or −1 if none: BandAt inverted, for the adjoint.</summary>
    public int PositionReading(int band, int tap)
    {
        int offset = band - tap + BandKernel / 2;
        return offset >= 0 && offset % BandStride == 0 && offset / BandStride < Positions ? offset / BandStride : -1;
    }

    public override string ToString()
    {
        string frames = Kernel == 1 ? "1 frame" : $"{Kernel} frames";
        return Bands == 1 ? frames : $"{frames} × {BandKernel} of {Bands} bands, stride {BandStride}";
    }

    public void Validate(int width)
    {
        if (Kernel < 1 || Kernel % 2 == 0) throw new ArgumentException($"unfold kernel must be odd and positive, got {Kernel}");
        if (BandKernel < 1 || BandKernel % 2 == 0) throw new ArgumentException($"unfold band kernel must be odd and positive, got {BandKernel}");
        if (BandStride < 1) throw new ArgumentException($"unfold band stride must be positive, got {BandStride}");
        if (Bands < 1 || width % Bands != 0) throw new ArgumentException($"a frame of {width} values does not split into channels of {Bands} bands");
    }
}
