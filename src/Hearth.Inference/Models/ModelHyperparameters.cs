namespace Hearth.Inference.Models;

/// <summary>The shape of a decoder-only transformer, read from GGUF metadata by its architecture.</summary>
public sealed record ModelHyperparameters
{
    public required string Architecture { get; init; }
    public required int EmbeddingLength { get; init; }
    public required int BlockCount { get; init; }
    public required int HeadCount { get; init; }
    public required int HeadCountKv { get; init; }
    public required int FeedForwardLength { get; init; }
    public required int VocabularySize { get; init; }
    public required int ContextLength { get; init; }
    public required float RmsNormEpsilon { get; init; }
    public required float RopeFrequencyBase { get; init; }

    /// <summary>Leading elements of each head that RoPE rotates (usually the whole head).</summary>
    public required int RopeDimensionCount { get; init; }
    public required RopeStyle RopeStyle { get; init; }
    public RopeScaling RopeScaling { get; init; } = RopeScaling.None;

    /// <summary>Per-frequency divisors (GGUF tensor <c>rope_freqs.weight</c>, Llama 3.1+), or null.</summary>
    public float[]? RopeFrequencyFactors { get; init; }

    public int HeadDimension => EmbeddingLength / HeadCount;
    public int QueryDimension => HeadCount * HeadDimension;
    public int KvDimension => HeadCountKv * HeadDimension;

    /// <summary>Throws <see cref="UnsupportedModelException"/> when the shape is inconsistent or out of the supported range.</summary>
    public void Validate()
    {
        Require(EmbeddingLength is > 0 and <= 65536, $"embedding length {EmbeddingLength}");
        Require(BlockCount is > 0 and <= 1024, $"block count {BlockCount}");
        Require(HeadCount > 0 && EmbeddingLength % HeadCount == 0, $"head count {HeadCount} (must divide embedding length {EmbeddingLength})");
        Require(HeadCountKv > 0 && HeadCount % HeadCountKv == 0, $"KV head count {HeadCountKv} (must divide head count {HeadCount})");
        Require(FeedForwardLength is > 0 and <= 1 << 20, $"feed-forward length {FeedForwardLength}");
        Require(VocabularySize is > 0 and <= 1 << 22, $"vocabulary size {VocabularySize}");
        Require(ContextLength > 0, $"context length {ContextLength}");
        Require(RmsNormEpsilon is > 0f and < 1f, $"RMS norm epsilon {RmsNormEpsilon}");
        Require(RopeFrequencyBase > 0f && float.IsFinite(RopeFrequencyBase), $"RoPE frequency base {RopeFrequencyBase}");
        Require(RopeDimensionCount > 0 && RopeDimensionCount <= HeadDimension && RopeDimensionCount % 2 == 0,
            $"RoPE dimension count {RopeDimensionCount} (must be even and at most the head dimension {HeadDimension})");
        Require(RopeFrequencyFactors is null || RopeFrequencyFactors.Length == RopeDimensionCount / 2,
            $"rope_freqs length {RopeFrequencyFactors?.Length} (expected {RopeDimensionCount / 2})");
        Require(RopeScaling.Factor > 0f && float.IsFinite(RopeScaling.Factor), $"RoPE scaling factor {RopeScaling.Factor}");
    }

    private void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new UnsupportedModelException($"Unsupported {Architecture} model: {what}.");
        }
    }
}
