using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// The network of Guo et al.: Bi-GRU → multi-head self-attention → masked mean pooling → FC(2H→128) + ReLU → dropout
/// → FC(128→C) → softmax, optionally after convolution layers over time or time × bands
/// (<see cref="ModelConfig.ConvChannels"/>,
/// <see cref="ModelConfig.ConvLayers"/>, not in the paper), with mean+std pooling (<see cref="ModelConfig.Pooling"/>,
/// not in the paper; FC(4H→128) then) and with the
/// input features' utterance statistics beside the pooled vector (<see cref="ModelConfig.InputStatistics"/>). Written
/// once against <see cref="IBackend{T}"/>; forward caches what backward needs.
/// </summary>
public sealed class SerModel<T> : IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Philox stream of the output dropout.</summary>
    public const uint OutputDropoutStream = 2;

    private readonly List<ILayer<T>> _layers = [];
    private readonly Workspace<T> _ws;
    private Tensor<T> _probs = null!,
        _input = null!;

    public SerModel(IBackend<T> backend, ModelConfig config, int seed)
    {
        config.Validate();
        Backend = backend;
        Config = config;
        Parameters = new ParameterSet<T>(backend);
        _ws = new Workspace<T>(backend);
        if (config.IsFunctionals)
            BuildLinear(config);
        else
            BuildNetwork(config);
        Parameters.Build(seed);
    }

    /// <summary>The baseline: the one functionals row per utterance (pooling a single frame passes it through) into
    /// an optional hidden layer and the output layer.</summary>
    private void BuildLinear(ModelConfig config)
    {
        _layers.Add(new PoolingLayer<T>(Backend, config.InputSize, PoolingKind.Mean));
        int width = config.InputSize;
        if (config.FcSize > 0)
        {
            _layers.Add(new DenseLayer<T>(Backend, Parameters, "fc1", width, config.FcSize, relu: true));
            _layers.Add(new DropoutLayer<T>(Backend, config.OutputDropout, OutputDropoutStream));
            width = config.FcSize;
        }
        _layers.Add(new DenseLayer<T>(Backend, Parameters, "fc2", width, config.Classes, relu: false));
    }

    private void BuildNetwork(ModelConfig config)
    {
        var backend = Backend;
        for (int l = 0; config.ConvChannels > 0 && l < config.ConvLayers; l++)
            _layers.Add(
                new ConvLayer<T>(
                    backend,
                    Parameters,
                    l == 0 ? "conv" : $"conv{l + 1}",
                    config.ConvLayerInput(l),
                    config.ConvLayerChannels(l),
                    config.ConvLayerShape(l)
                )
                {
                    ComputeInputGradient = l > 0,
                }
            );
        _layers.Add(
            new GruLayer<T>(backend, Parameters, "gru", config.GruInputSize, config.Hidden)
            {
                ComputeInputGradient = config.ConvChannels > 0,
            }
        );
        if (config.UseAttention)
            _layers.Add(
                new AttentionLayer<T>(
                    backend,
                    Parameters,
                    "attention",
                    config.Embed,
                    config.Heads,
                    config.AttentionDropout
                )
            );
        _layers.Add(new PoolingLayer<T>(backend, config.Embed, config.Pooling));
        int pooled = PoolingLayer<T>.OutputWidth(config.Embed, config.Pooling);
        if (config.InputStatistics)
        {
            var statistics = new InputStatisticsLayer<T>(backend, pooled, config.InputSize, () => _input);
            _layers.Add(statistics);
            pooled = statistics.OutputWidth;
        }
        _layers.Add(new DenseLayer<T>(backend, Parameters, "fc1", pooled, config.FcSize, relu: true));
        _layers.Add(new DropoutLayer<T>(backend, config.OutputDropout, OutputDropoutStream));
        _layers.Add(new DenseLayer<T>(backend, Parameters, "fc2", config.FcSize, config.Classes, relu: false));
    }

    public IBackend<T> Backend { get; }
    public ModelConfig Config { get; }
    public ParameterSet<T> Parameters { get; }
    public IReadOnlyList<ILayer<T>> Layers => _layers;

    /// <summary>Spectrogram batch [B, T, F] → logits [B, C].</summary>
    public Tensor<T> Forward(Tensor<T> input, BatchContext batch)
    {
        var x = _input = input;
        foreach (var layer in _layers)
            x = layer.Forward(x, batch);
        return x;
    }

    /// <summary>Loss of the last forward against targets, weighted per row (weights [B], e.g. each target's class
    /// weight; none: equal), each row's softmax over the classes of its classMask bits (all without one); also leaves
    /// softmax probabilities in <see cref="Probabilities"/>.</summary>
    public double Loss(
        Tensor<T> logits,
        Tensor<int> targets,
        Tensor<T>? weights,
        Tensor<int>? classMask,
        out Tensor<T> dLogits
    )
    {
        int batch = targets.Length,
            classes = Config.Classes;
        _probs = _ws.Get("probs", batch, classes);
        dLogits = _ws.Get("dlogits", batch, classes);
        return Backend.SoftmaxLoss(logits, targets, weights, classMask, Config.Loss, _probs, dLogits);
    }

    // Mixup's loss, L = λ·L(y_a) + (1 − λ)·L(y_b) (each term normalised over its own targets' weights), so
    // dL/dlogits = λ·dL(y_a)/dlogits + (1 − λ)·dL(y_b)/dlogits; the two B×C gradients are mixed on the host (a few
    // hundred floats per step, beside the loss read-back the backend already does). One class mask serves both terms
    // (the union of the two utterances' classes: both targets must be in it).
    /// <summary>Loss of the last forward against a mixup of two target sets (Training.Mixup).</summary>
    public double MixedLoss(
        Tensor<T> logits,
        Tensor<int> targets,
        Tensor<int> partnerTargets,
        double lambda,
        Tensor<T>? weights,
        Tensor<T>? partnerWeights,
        Tensor<int>? classMask,
        out Tensor<T> dLogits
    )
    {
        double loss = lambda * Loss(logits, targets, weights, classMask, out dLogits);
        var partnerGrad = _ws.Get("dlogits-partner", targets.Length, Config.Classes);
        loss +=
            (1 - lambda)
            * Backend.SoftmaxLoss(
                logits,
                partnerTargets,
                partnerWeights,
                classMask,
                Config.Loss,
                _ws.Get("probs-partner", targets.Length, Config.Classes),
                partnerGrad
            );
        var own = new T[dLogits.Length];
        var partner = new T[dLogits.Length];
        Backend.Download(dLogits, own);
        Backend.Download(partnerGrad, partner);
        T l = T.CreateChecked(lambda),
            rest = T.CreateChecked(1 - lambda);
        for (int i = 0; i < own.Length; i++)
            own[i] = l * own[i] + rest * partner[i];
        Backend.Upload(own, dLogits);
        return loss;
    }

    public Tensor<T> Probabilities => _probs;

    /// <summary>Regression loss of the last forward: L1 between ScoreRange·tanh(output) and the scores.</summary>
    public double RegressionLoss(Tensor<T> outputs, Tensor<T> scores, out Tensor<T> dOutputs)
    {
        dOutputs = _ws.Get("dlogits", scores.Length, 1);
        return Backend.RegressionLoss(
            outputs,
            scores,
            Config.ScoreRange,
            _ws.Get("predictions", scores.Length),
            dOutputs
        );
    }

    /// <summary>Backpropagates dL/dlogits through every layer, accumulating parameter gradients.</summary>
    public void Backward(Tensor<T> dLogits)
    {
        Tensor<T>? d = dLogits;
        for (int i = _layers.Count - 1; i >= 0 && d is not null; i--)
            d = _layers[i].Backward(d);
    }

    public void Dispose()
    {
        foreach (var layer in _layers.OfType<IDisposable>())
            layer.Dispose();
        _ws.Dispose();
    }
}
