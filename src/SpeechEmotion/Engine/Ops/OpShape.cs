namespace SpeechEmotion.Engine.Ops;

/// <summary>The sizes an op runs at: small (odd sizes, seconds on any device, what the tests and `ser doctor` use) or
/// the paper's (batch 32, 300 frames, 400 bins, H 128, 8 heads, 7 classes; the benchmarks vary the frames).</summary>
public sealed record OpShape(string Name, int Batch, int Steps, int Input, int Hidden, int Heads, int Classes)
{
    public static readonly OpShape Small = new("small", 3, 9, 13, 13, 2, 5);
    public static readonly OpShape Full = new("full", 32, 300, 400, 128, 8, 7);

    /// <summary>The Bi-GRU's output width, 2H: what attention and pooling read.</summary>
    public int Embed => 2 * Hidden;

    /// <summary>About the parameter count of the configured model (what one Adam step updates):
    /// 2·(3H·(F + H) + 6H) + 4E² + 4E + 128·(E + 1) + C·129.</summary>
    public int Parameters =>
        2 * (3 * Hidden * (Input + Hidden) + 6 * Hidden)
        + 4 * Embed * Embed
        + 4 * Embed
        + 128 * (Embed + 1)
        + Classes * 129;

    public static OpShape Parse(string name) =>
        name switch
        {
            "small" => Small,
            "full" => Full,
            _ => throw new ArgumentException($"unknown size '{name}' (expected small or full)"),
        };
}
