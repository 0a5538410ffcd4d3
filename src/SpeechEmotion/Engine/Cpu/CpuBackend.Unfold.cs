namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // cols[b, t, p, (c·Kf + j)·Kt + k] = x[b, t + k − Kt/2, Feature(c, p·S + j − Kf/2)] inside the utterance and the
    // bands, else 0 (UnfoldShape); one batch item per thread.
    public void Unfold(Tensor<T> x, Tensor<int> lengths, UnfoldShape shape, Tensor<T> cols)
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length, width = x.Dim(-1), steps = x.Length / (batch * width);
        shape.Validate(width);
        int frameCols = shape.FrameColumns(width), channels = shape.Channels(width), bands = shape.Bands;
        int kt = shape.Kernel, kf = shape.BandKernel, halfT = kt / 2;
        CheckLength(cols, batch * steps * frameCols, "unfold columns");
        var X = Cpu(x); var C = Cpu(cols);
        Parallel.For(0, batch, Options, b =>
        {
            int len = CheckedLength(lens[b], steps);
            var xs = X.Array.AsSpan(X.Offset + b * steps * width, steps * width);
            var cs = C.Array.AsSpan(C.Offset + b * steps * frameCols, steps * frameCols);
            cs[(len * frameCols)..].Clear();
            for (int t = 0; t < len; t++)
            {
                // Written in order (k innermost): the Kt source frames stay in cache, the row streams out once.
                var row = cs.Slice(t * frameCols, frameCols);
                int i = 0;
                for (int p = 0; p < shape.Positions; p++)
                    for (int c = 0; c < channels; c++)
                        for (int j = 0; j < kf; j++)
                        {
                            int band = shape.BandAt(p, j), f = shape.Feature(c, band, width);
                            bool inBands = band >= 0 && band < bands;
                            for (int k = 0; k < kt; k++, i++)
                            {
                                int s = t + k - halfT;
                                row[i] = inBands && s >= 0 && s < len ? xs[s * width + f] : T.Zero;
                            }
                        }
            }
        });
    }

    // The adjoint of Unfold: dx[b, s, Feature(c, q)] = Σ_{j,k} dCols[b, t, p, (c·Kf + j)·Kt + k] over t = s − k + Kt/2 in
    // [0, len_b) and p·S = q − j + Kf/2 with 0 ≤ p < Positions, for s < len_b; padded frames get 0. One batch item per
    // thread; it walks dCols in order and adds each entry to the value it was copied from (Unfold's loops, reversed
    // assignment): a gather per input value would test every tap for a position reading it, 3× slower.
    public void UnfoldBackward(Tensor<T> dCols, Tensor<int> lengths, UnfoldShape shape, Tensor<T> dx)
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length, width = dx.Dim(-1), steps = dx.Length / (batch * width);
        shape.Validate(width);
        int frameCols = shape.FrameColumns(width), channels = shape.Channels(width);
        int bands = shape.Bands, kt = shape.Kernel, kf = shape.BandKernel, halfT = kt / 2;
        CheckLength(dCols, batch * steps * frameCols, "unfold column gradient");
        var D = Cpu(dCols); var DX = Cpu(dx);
        Parallel.For(0, batch, Options, b =>
        {
            int len = CheckedLength(lens[b], steps);
            var ds = D.Array.AsSpan(D.Offset + b * steps * frameCols, steps * frameCols);
            var dxs = DX.Array.AsSpan(DX.Offset + b * steps * width, steps * width);
            dxs.Clear();
            for (int t = 0; t < len; t++)
            {
                var row = ds.Slice(t * frameCols, frameCols);
                int i = 0;
                for (int p = 0; p < shape.Positions; p++)
                    for (int c = 0; c < channels; c++)
                        for (int j = 0; j < kf; j++)
                        {
                            int band = shape.BandAt(p, j);
                            if (band < 0 || band >= bands) { i += kt; continue; }
                            int f = shape.Feature(c, band, width);
                            for (int k = 0; k < kt; k++, i++)
                            {
                                int s = t + k - halfT;
                                if (s >= 0 && s < len) dxs[s * width + f] += row[i];
                            }
                        }
            }
        });
    }
}
