namespace SpeechEmotion.Engine;

/// <summary>Arithmetic of the matrix products (GEMMs: input projections, attention products, weight gradients).
/// Fp32: float multiply-adds. Tf32: inputs rounded to TF32 (10-bit mantissa, round to nearest, ties away), products
/// accumulated in float, on tensor cores where the device has them.</summary>
public enum Precision
{
    Fp32,
    Tf32,
}

/// <summary>A backend whose GEMM precision can be chosen (the ILGPU backend); others compute in
/// <see cref="Precision.Fp32"/> only.</summary>
public interface IPrecisionBackend
{
    Precision Precision { get; set; }
}
