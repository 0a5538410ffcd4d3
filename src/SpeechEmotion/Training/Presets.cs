using SpeechEmotion.Model;

namespace SpeechEmotion.Training;

/// <summary>The paper's Table 2 settings per corpus, and the functionals baseline's.</summary>
public static class Presets
{
    public static (ModelConfig Model, TrainingOptions Training) Get(string name) => name switch
    {
        // Fixed before any run (docs/experiments/baseline.md): a linear softmax on the 144 standardised functionals,
        // cross-entropy with inverse-frequency class weights (as the reference SVM's balanced weights), full epochs.
        "functionals" => (new ModelConfig
            {
                Features = Features.FeatureKind.Functionals, InputSize = Features.UtteranceFunctionals.Count,
                FcSize = 0, OutputDropout = 0, Loss = Engine.LossKind.CrossEntropy,
            },
            new TrainingOptions { LearningRate = 1e-3, BatchSize = 32, Epochs = 200, ClassWeights = true }),
        "emodb" => (new ModelConfig { Heads = 8, AttentionDropout = 0.2f, OutputDropout = 0.2f },
            new TrainingOptions { LearningRate = 1e-4, BatchSize = 32, Epochs = 80 }),
        "iemocap" => (new ModelConfig { Heads = 16, AttentionDropout = 0.2f, OutputDropout = 0.3f, Classes = 4 },
            new TrainingOptions { LearningRate = 1e-5, BatchSize = 32, Epochs = 100 }),
        _ => throw new ArgumentException($"unknown preset '{name}' (expected emodb, iemocap or functionals)"),
    };
}
