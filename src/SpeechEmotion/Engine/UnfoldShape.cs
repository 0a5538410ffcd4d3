namespace SpeechEmotion.Engine;

/// <summary>How a frame's values are ordered: all bands of channel 0 first (the front end's [bands, Δ bands, ΔΔ
/// bands]), or all channels of band 0 first (what a 2-D convolution layer writes: y[p·C + c]).</summary>
public enum FrameLayout
{
    ChannelMajor,
    BandMajor,
}

/// <summary>
/// The im2col of a convolution over frames (time) and, optionally, over the bands within a frame. A frame of F values
/// holds Cin = F / Bands input channels of Bands values each, value (c, band) at Feature(c, band) (Layout). The
/// kernel spans Kernel frames and BandKernel bands, centred ("same" zero padding), and steps BandStride bands, so each
/// frame gives Positions = ⌈Bands / BandStride⌉ rows of ColumnWidth = Cin · BandKernel · Kernel values:
///   cols[b, t, p, (c·Kf + j)·Kt + k] = x[b, t + k − Kt/2, Feature(c, p·S + j − Kf/2)], 0 outside the utterance or the
/// bands.
/// Bands = 1 (the default) is the temporal convolution: every value of a frame is a channel of its own.
/// </summary>
public readonly record struct UnfoldShape(
    int Kernel,
    int Bands = 1,
    int BandKernel = 1,
    int BandStride = 1,
    FrameLayout Layout = FrameLayout.ChannelMajor
)
{
    public int Positions => (Bands + BandStride - 1) / BandStride;

    public int Channels(int width) => width / Bands;

    public int ColumnWidth(int width) => Channels(width) * BandKernel * Kernel;

    /// <summary>Values of the columns per frame of the input.</summary>
    public int FrameColumns(int width) => Positions * ColumnWidth(width);

    /// <summary>Where value (channel c, band) lies in a frame of the given width.</summary>
    public int Feature(int channel, int band, int width) =>
        Layout == FrameLayout.ChannelMajor ? channel * Bands + band : band * Channels(width) + channel;

    /// <summary>The channel and band of a frame's value f: Feature inverted.</summary>
    public int ChannelOf(int feature, int width) =>
        Layout == FrameLayout.ChannelMajor ? feature / Bands : feature % Channels(width);

    public int BandOf(int feature, int width) =>
        Layout == FrameLayout.ChannelMajor ? feature % Bands : feature / Channels(width);

    /// <summary>The band that tap j of band position p reads (outside [0, Bands) for padding).</summary>
    public int BandAt(int position, int tap) => position * BandStride + tap - BandKernel / 2;

    /// <summary>The band position whose tap j reads the given band, or −1 if none: BandAt inverted, for the
    /// adjoint.</summary>
    public int PositionReading(int band, int tap)
    {
        int offset = band - tap + BandKernel / 2;
        return offset >= 0 && offset % BandStride == 0 && offset / BandStride < Positions ? offset / BandStride : -1;
    }

    public override string ToString()
    {
        string frames = Kernel == 1 ? "1 frame" : $"{Kernel} frames";
        return Bands == 1
            ? frames
            : $"{frames} × {BandKernel} of {Bands} bands, stride {BandStride}"
                + (Layout == FrameLayout.BandMajor ? ", band-major" : "");
    }

    public void Validate(int width)
    {
        if (Kernel < 1 || Kernel % 2 == 0)
            throw new ArgumentException($"unfold kernel must be odd and positive, got {Kernel}");
        if (BandKernel < 1 || BandKernel % 2 == 0)
            throw new ArgumentException($"unfold band kernel must be odd and positive, got {BandKernel}");
        if (BandStride < 1)
            throw new ArgumentException($"unfold band stride must be positive, got {BandStride}");
        if (Bands < 1 || width % Bands != 0)
            throw new ArgumentException($"a frame of {width} values does not split into channels of {Bands} bands");
    }
}
