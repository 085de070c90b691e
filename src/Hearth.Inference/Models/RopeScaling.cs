namespace Hearth.Inference.Models;

/// <summary>How RoPE frequencies are stretched for contexts longer than training.</summary>
public enum RopeScalingKind
{
    None,

    /// <summary>Positions divided by <see cref="RopeScaling.Factor"/> (every frequency divided by it).</summary>
    Linear,

    /// <summary>Llama 3.1's frequency-dependent scaling: high frequencies kept, low ones divided by the factor, a smooth ramp between.</summary>
    Llama3,
}

/// <summary>RoPE scaling parameters read from the model's metadata.</summary>
public sealed record RopeScaling(
    RopeScalingKind Kind,
    float Factor = 1f,
    float LowFrequencyFactor = 1f,
    float HighFrequencyFactor = 4f,
    int OriginalContextLength = 8192)
{
    public static RopeScaling None { get; } = new(RopeScalingKind.None);
}
