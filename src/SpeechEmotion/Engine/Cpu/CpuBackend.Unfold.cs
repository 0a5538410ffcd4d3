namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // cols[b, t, p, (c·Kf + j)·Kt + k] = x[b, t + k − Kt/2, Feature(c, p·S + j − Kf/2)] inside the utterance and the
    // bands, else 0 (UnfoldShape); one batch item per thread.
    public void Unfold(Tensor<T> x, Tensor<int> lengths, UnfoldShape shape, Tensor<T> cols) =>
        WalkColumns(cols, lengths, shape, x, "unfold columns", new CopyColumn());

    // The adjoint of Unfold: dx[b, s, Feature(c, q)] = Σ_{j,k} dCols[b, t, p, (c·Kf + j)·Kt + k] over t = s − k + Kt/2
    // in [0, len_b) and p·S = q − j + Kf/2 with 0 ≤ p
    // < Positions, for s < len_b; padded frames get 0. It walks dCols in
    // Unfold's order and adds each entry to the value it was copied from: a gather per input value would test every
    // tap for a position reading it, 3× slower.
    public void UnfoldBackward(Tensor<T> dCols, Tensor<int> lengths, UnfoldShape shape, Tensor<T> dx) =>
        WalkColumns(dCols, lengths, shape, dx, "unfold column gradient", new AccumulateColumn());

    /// <summary>What Unfold and its adjoint do with one batch item's output before the walk (the parts it never writes,
    /// or the sums it starts from), and with one column entry and the frame value it copies (−1: padding).</summary>
    private interface IColumnOp
    {
        void Begin(Span<T> cols, int validCols, Span<T> frames);
        void Apply(Span<T> row, int i, Span<T> frames, int source);
    }

    private readonly struct CopyColumn : IColumnOp
    {
        public void Begin(Span<T> cols, int validCols, Span<T> frames) => cols[validCols..].Clear();

        public void Apply(Span<T> row, int i, Span<T> frames, int source) =>
            row[i] = source >= 0 ? frames[source] : T.Zero;
    }

    private readonly struct AccumulateColumn : IColumnOp
    {
        public void Begin(Span<T> cols, int validCols, Span<T> frames) => frames.Clear();

        public void Apply(Span<T> row, int i, Span<T> frames, int source)
        {
            if (source >= 0)
                frames[source] += row[i];
        }
    }

    // Unfold's index map, shared by both directions (a struct op, so the JIT specialises and inlines it). One batch
    // item per thread, so no two threads touch the same frame value; rows are walked in order (k innermost: the Kt
    // source frames stay in cache).
    private void WalkColumns<TOp>(
        Tensor<T> cols,
        Tensor<int> lengths,
        UnfoldShape shape,
        Tensor<T> x,
        string what,
        TOp op
    )
        where TOp : struct, IColumnOp
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length,
            width = x.Dim(-1),
            steps = x.Length / (batch * width);
        shape.Validate(width);
        int frameCols = shape.FrameColumns(width),
            channels = shape.Channels(width),
            bands = shape.Bands;
        int kt = shape.Kernel,
            kf = shape.BandKernel,
            halfT = kt / 2;
        CheckLength(cols, batch * steps * frameCols, what);
        var X = Cpu(x);
        var C = Cpu(cols);
        Parallel.For(
            0,
            batch,
            Options,
            b =>
            {
                int len = CheckedLength(lens[b], steps);
                var xs = X.Array.AsSpan(X.Offset + b * steps * width, steps * width);
                var cs = C.Array.AsSpan(C.Offset + b * steps * frameCols, steps * frameCols);
                op.Begin(cs, len * frameCols, xs);
                for (int t = 0; t < len; t++)
                {
                    var row = cs.Slice(t * frameCols, frameCols);
                    int i = 0;
                    for (int p = 0; p < shape.Positions; p++)
                    for (int c = 0; c < channels; c++)
                    for (int j = 0; j < kf; j++)
                    {
                        int band = shape.BandAt(p, j),
                            f = shape.Feature(c, band, width);
                        bool inBands = band >= 0 && band < bands;
                        for (int k = 0; k < kt; k++, i++)
                        {
                            int s = t + k - halfT;
                            op.Apply(row, i, xs, inBands && s >= 0 && s < len ? s * width + f : -1);
                        }
                    }
                }
            }
        );
    }
}
