using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    /// <summary>Row-parallel GEMM: each row of C is built from row saxpys (B plain) or dot products (B transposed).</summary>
    public void Gemm(Tensor<T> a, bool transA, Tensor<T> b, bool transB, Tensor<T> c, int m, int n, int k, T alpha, T beta)
    {
        CheckLength(a, m * k, "gemm A");
        CheckLength(b, k * n, "gemm B");
        CheckLength(c, m * n, "gemm C");
        var ca = Cpu(a); var cb = Cpu(b); var cc = Cpu(c);
        void Row(int i)
        {
            var cRow = cc.Array.AsSpan(cc.Offset + i * n, n);
            if (beta == T.Zero) cRow.Clear();
            else if (beta != T.One) TensorPrimitives.Multiply(cRow, beta, cRow);
            var A = ca.Array.AsSpan(ca.Offset, m * k);
            var B = cb.Array.AsSpan(cb.Offset, k * n);
            if (!transB)
            {
                for (int p = 0; p < k; p++)
                {
                    T aip = alpha * (transA ? A[p * m + i] : A[i * k + p]);
                    if (aip != T.Zero) TensorPrimitives.MultiplyAdd(B.Slice(p * n, n), aip, cRow, cRow);
                }
            }
            else
            {
                Span<T> aRow = transA ? new T[k] : A.Slice(i * k, k);
                if (transA) for (int p = 0; p < k; p++) aRow[p] = A[p * m + i];
                for (int j = 0; j < n; j++) cRow[j] += alpha * TensorPrimitives.Dot<T>(aRow, B.Slice(j * k, k));
            }
        }
        if ((long)m * n * k < 32_768 || m == 1) for (int i = 0; i < m; i++) Row(i);
        else Parallel.For(0, m, Row);
    }
}
