using Hearth.Inference.Kernels;

namespace Hearth.Inference.Models;

/// <summary>One block's weights: matrices point into the memory-mapped file; norms and biases are small F32 copies.</summary>
internal sealed class LayerWeights
{
    public required float[] AttentionNorm { get; init; }
    public required WeightMatrix Query { get; init; }
    public required WeightMatrix Key { get; init; }
    public required WeightMatrix Value { get; init; }
    public required WeightMatrix AttentionOutput { get; init; }
    public float[]? QueryBias { get; init; }
    public float[]? KeyBias { get; init; }
    public float[]? ValueBias { get; init; }
    public required float[] FeedForwardNorm { get; init; }
    public required WeightMatrix Gate { get; init; }
    public required WeightMatrix Up { get; init; }
    public required WeightMatrix Down { get; init; }
}

/// <summary>All weights of a decoder-only transformer (token embedding rows are dequantised on lookup).</summary>
internal sealed class TransformerWeights
{
    public required WeightMatrix TokenEmbedding { get; init; }
    public required LayerWeights[] Layers { get; init; }
    public required float[] OutputNorm { get; init; }

    /// <summary>The classifier; the token embedding itself when the model ties them.</summary>
    public required WeightMatrix Output { get; init; }

    public bool OutputTied { get; init; }

    /// <summary>Bytes of weights streamed from memory to decode one token (every matrix once, plus one embedding row).</summary>
    public long BytesReadPerToken
    {
        get
        {
            var total = TokenEmbedding.RowBytes + Output.RowBytes * Output.Rows;
            foreach (var l in Layers)
            {
                total += Bytes(l.Query) + Bytes(l.Key) + Bytes(l.Value) + Bytes(l.AttentionOutput) + Bytes(l.Gate) + Bytes(l.Up) + Bytes(l.Down);
                total += 4L * (l.AttentionNorm.Length + l.FeedForwardNorm.Length);
            }
            return total + (4L * OutputNorm.Length);
        }
    }

    private static long Bytes(in WeightMatrix w) => w.RowBytes * w.Rows;
}
