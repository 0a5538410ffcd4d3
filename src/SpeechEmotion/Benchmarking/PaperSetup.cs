using SpeechEmotion.Engine;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Benchmarking;

/// <summary>
/// The benchmark configuration "paper": batch 32, 300 frames, 400 bins, H 128 per direction, 8 heads, 7 classes;
/// a training step is forward, L1 loss, backward, Adam. Inputs are random, lengths all equal to the frame count.
/// Another model config (a recipe's network) is timed the same way, with its own loss.
/// </summary>
public sealed class PaperSetup : IDisposable
{
    public PaperSetup(IBackend<float> backend, int batch, int frames, ModelConfig? config = null)
    {
        Backend = backend;
        Config = config ?? new ModelConfig();
        Model = new SerModel<float>(backend, Config, seed: 1);
        Adam = new AdamOptimizer<float>(backend, Model.Parameters, new AdamSettings());
        var random = new Random(2);
        var data = Enumerable
            .Range(0, batch)
            .Select(_ =>
                Enumerable
                    .Range(0, frames * Config.InputSize)
                    .Select(_ => (float)(random.NextDouble() * 2 - 1))
                    .ToArray()
            )
            .ToArray();
        var padded = PaddedBatch.From(data, Config.InputSize);
        Input = backend.Allocate(batch, frames, Config.InputSize);
        backend.Upload(padded.Features, Input);
        var lengths = backend.AllocateInts(batch);
        backend.Upload(padded.Lengths, lengths);
        Targets = backend.AllocateInts(batch);
        backend.Upload(Enumerable.Range(0, batch).Select(i => i % Config.Classes).ToArray(), Targets);
        Train = new BatchContext(padded.Lengths, lengths, frames, true, 3, 0);
        Eval = Train with { Training = false };
    }

    public IBackend<float> Backend { get; }
    public ModelConfig Config { get; }
    public SerModel<float> Model { get; }
    public AdamOptimizer<float> Adam { get; }
    public Tensor<float> Input { get; }
    public Tensor<int> Targets { get; }
    public BatchContext Train { get; }
    public BatchContext Eval { get; }

    public double TrainStep()
    {
        double loss = Model.Loss(Model.Forward(Input, Train), Targets, null, null, out var dLogits);
        Model.Parameters.ZeroGrads();
        Model.Backward(dLogits);
        Adam.Update();
        Backend.Synchronize();
        return loss;
    }

    public float[] Infer()
    {
        var logits = Model.Forward(Input, Eval);
        var host = new float[logits.Length];
        Backend.Download(logits, host);
        return host;
    }

    public void Dispose() => Model.Dispose();
}
