namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    /// <summary>C = α·op(A)·op(B) + β·C on dense row-major tensors, through the packed GEMM.</summary>
    public void Gemm(
        Tensor<T> a,
        bool transA,
        Tensor<T> b,
        bool transB,
        Tensor<T> c,
        int m,
        int n,
        int k,
        T alpha,
        T beta
    )
    {
        CheckLength(a, m * k, "gemm A");
        CheckLength(b, k * n, "gemm B");
        CheckLength(c, m * n, "gemm C");
        var ca = Cpu(a);
        var cb = Cpu(b);
        var cc = Cpu(c);
        PackedGemm<T>.Multiply(
            m,
            n,
            k,
            alpha,
            new MatrixView<T>(ca.Array, ca.Offset, transA ? m : k, transA),
            new MatrixView<T>(cb.Array, cb.Offset, transB ? k : n, transB),
            beta,
            new MatrixView<T>(cc.Array, cc.Offset, n),
            Threads
        );
    }
}
