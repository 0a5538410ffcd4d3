using SpeechEmotion.Model;

namespace SpeechEmotion.Training;

/// <summary>The paper's Table 2 settings per corpus.</summary>
public static class Presets
{
    public static (ModelConfig Model, TrainingOptions Training) Get(string name) => name switch
    {
        "emodb" => (new ModelConfig { Heads = 8, AttentionDropout = 0.2f, OutputDropout = 0.2f },
            new TrainingOptions { LearningRate = 1e-4, BatchSize = 32, Epochs = 80 }),
        "iemocap" => (new ModelConfig { Heads = 16, AttentionDropout = 0.2f, OutputDropout = 0.3f, Classes = 4 },
            new TrainingOptions { LearningRate = 1e-5, BatchSize = 32, Epochs = 100 }),
        _ => throw new ArgumentException($"unknown preset '{name}' (expected emodb or iemocap)"),
    };
}
