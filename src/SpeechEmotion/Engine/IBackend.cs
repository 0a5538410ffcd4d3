using System.Numerics;

namespace SpeechEmotion.Engine;

/// <summary>
/// The seam between the model and the hardware. The model and trainer are written once against this interface; the
/// CPU reference backend (generic over float/double) and the ILGPU backend implement it. Ops are coarse (a whole GRU
/// direction, a whole attention core) so that a GPU launch does real work. Shapes are row-major and read from the
/// tensors: B = lengths.Length, T = steps. Padded frames (t ≥ length) produce zeros and receive zero gradient.
/// </summary>
public interface IBackend<T> : IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    string Name { get; }

    /// <summary>A new zero-filled tensor.</summary>
    Tensor<T> Allocate(params int[] shape);
    Tensor<int> AllocateInts(int length);

    /// <summary>A view of <paramref name="shape"/> elements starting at <paramref name="offset"/> of source.</summary>
    Tensor<T> View(Tensor<T> source, int offset, params int[] shape);
    void Upload(ReadOnlySpan<T> source, Tensor<T> destination);
    void Upload(ReadOnlySpan<int> source, Tensor<int> destination);
    void Download(Tensor<T> source, Span<T> destination);

    /// <summary>Waits until every queued op has finished (a no-op on the CPU); for timing asynchronous
    /// devices.</summary>
    void Synchronize();
    void Fill(Tensor<T> x, T value);

    /// <summary>C = α·op(A)·op(B) + β·C with op(A) [m,k], op(B) [k,n], C [m,n]; A stored [k,m] when transA, B [n,k]
    /// when transB.</summary>
    void Gemm(Tensor<T> a, bool transA, Tensor<T> b, bool transB, Tensor<T> c, int m, int n, int k, T alpha, T beta);

    /// <summary>x[r, j] += bias[j] for every row r.</summary>
    void AddBias(Tensor<T> x, Tensor<T> bias);

    /// <summary>dBias[j] += Σ_r dy[r, j].</summary>
    void BiasGrad(Tensor<T> dy, Tensor<T> dBias);
    void Relu(Tensor<T> x, Tensor<T> y);

    /// <summary>dx = dy where y &gt; 0, else 0 (y is the ReLU output).</summary>
    void ReluBackward(Tensor<T> y, Tensor<T> dy, Tensor<T> dx);
    void Dropout(Tensor<T> x, Tensor<T> y, DropoutSpec spec);
    void DropoutBackward(Tensor<T> dy, Tensor<T> dx, DropoutSpec spec);

    /// <summary>The GRU recurrence of one or two directions (see <see cref="GruDirection{T}"/>) over a padded
    /// batch.</summary>
    void GruForward(IReadOnlyList<GruDirection<T>> directions, Tensor<int> lengths, Tensor<T> output);

    /// <summary>BPTT for the same directions from dOutput [B,T,W]; weight gradients are GEMMs on DGi and DGh.</summary>
    void GruBackward(Tensor<T> dOutput, IReadOnlyList<GruDirection<T>> directions, Tensor<int> lengths);

    /// <summary>Scaled dot-product attention per head with key-padding mask and dropout on the probabilities.
    /// qkv [B,T,3E] (Q|K|V), probs [B,h,T,T] (softmax before dropout), context [B,T,E].</summary>
    void AttentionForward(
        Tensor<T> qkv,
        Tensor<int> lengths,
        int heads,
        DropoutSpec dropout,
        Tensor<T> probs,
        Tensor<T> context
    );
    void AttentionBackward(
        Tensor<T> dContext,
        Tensor<T> qkv,
        Tensor<T> probs,
        Tensor<int> lengths,
        int heads,
        DropoutSpec dropout,
        Tensor<T> dQkv
    );

    /// <summary>The im2col of a convolution over time (PyTorch Conv1d, "same" padding, odd K) or over time × bands
    /// (Conv2d with band stride S), see <see cref="UnfoldShape"/>: x [B,T,F], cols [B,T,P·F/Bands·Kf·Kt]; rows
    /// t ≥ length_b are 0. With Bands = 1, cols[b, t, f·K + k] = x[b, t + k − K/2, f] and cols·Wᵀ with a Conv1d weight
    /// [C,F,K] is the convolution; with bands, cols·Wᵀ with a weight [C, F/Bands, Kf, Kt] gives [B,T,P,C].</summary>
    void Unfold(Tensor<T> x, Tensor<int> lengths, UnfoldShape shape, Tensor<T> cols);

    /// <summary>The adjoint of <see cref="Unfold"/>: each x value gets the sum of the column entries it was copied
    /// to.</summary>
    void UnfoldBackward(Tensor<T> dCols, Tensor<int> lengths, UnfoldShape shape, Tensor<T> dx);

    /// <summary>y[b] = mean of x[b, t] over t &lt; length[b]; x [B,T,E], y [B,E].</summary>
    void MaskedMeanPool(Tensor<T> x, Tensor<int> lengths, Tensor<T> y);
    void MaskedMeanPoolBackward(Tensor<T> dy, Tensor<int> lengths, Tensor<T> dx);

    /// <summary>Statistics pooling (as x-vector systems pool): y[b] = [μ | σ] over t &lt; length[b], μ the mean and
    /// σ = √(biased variance + <see cref="StatisticsPooling.Epsilon"/>) per column; x [B,T,E], y [B,2E].</summary>
    void StatisticsPool(Tensor<T> x, Tensor<int> lengths, Tensor<T> y);

    /// <summary>dx [B,T,E] from dy [B,2E], the forward's input x and output y.</summary>
    void StatisticsPoolBackward(Tensor<T> dy, Tensor<T> x, Tensor<T> y, Tensor<int> lengths, Tensor<T> dx);

    /// <summary>dst[r, dstOffset + j] = src[r, srcOffset + j] for j &lt; width and every row r (both have the same
    /// rows):
    /// puts one tensor's columns beside another's (concatenation) and takes them back out (its gradient).</summary>
    void CopyColumns(Tensor<T> src, int srcOffset, Tensor<T> dst, int dstOffset, int width);

    /// <summary>probs = softmax(logits) [B,C]; returns the loss (see <see cref="LossKind"/>) and writes
    /// dLoss/dlogits. weights [B] (optional): each row's weight (its target's class weight, say); the loss is their
    /// weighted mean. classMask [B] (optional): bit c of row b set if row b's softmax includes class c (a corpus
    /// that does not have a label says nothing about it); a class outside gets probability 0 and gradient 0.</summary>
    double SoftmaxLoss(
        Tensor<T> logits,
        Tensor<int> targets,
        Tensor<T>? weights,
        Tensor<int>? classMask,
        LossKind kind,
        Tensor<T> probs,
        Tensor<T> dLogits
    );

    /// <summary>Regression head and loss: predictions = range·tanh(outputs) [B]; returns the mean L1 against targets
    /// [B] and writes dLoss/doutputs.</summary>
    double RegressionLoss(
        Tensor<T> outputs,
        Tensor<T> targets,
        double range,
        Tensor<T> predictions,
        Tensor<T> dOutputs
    );

    double SumOfSquares(Tensor<T> x);
    void Scale(Tensor<T> x, T factor);

    /// <summary>One Adam step (1-based <paramref name="step"/>) over flat parameter, gradient and moment
    /// buffers.</summary>
    void AdamStep(Tensor<T> values, Tensor<T> grads, Tensor<T> m, Tensor<T> v, AdamSettings settings, int step);
}
