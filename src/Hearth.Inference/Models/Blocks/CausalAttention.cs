using System.Numerics.Tensors;
using Hearth.Inference.Engine;

namespace Hearth.Inference.Models.Blocks;

/// <summary>
/// Scaled dot-product attention of one query head at one position over the cached keys/values of positions [0, position]
/// (causal). Grouped-query attention: query head h reads KV head h / (heads / kvHeads).
/// </summary>
internal static class CausalAttention
{
    /// <param name="query">The head's query (headDimension), already rotated.</param>
    /// <param name="positions">Positions to attend to (the query's position + 1).</param>
    /// <param name="scores">Scratch of at least <paramref name="positions"/> floats.</param>
    /// <param name="row">Scratch of headDimension floats (F16 cache conversion).</param>
    /// <param name="output">The head's output (headDimension).</param>
    public static void Compute(
        ReadOnlySpan<float> query, KvCache cache, int layer, int kvHead, int positions, float scale,
        Span<float> scores, Span<float> row, Span<float> output)
    {
        var headDimension = query.Length;
        var kvDim = cache.KvDim;
        var headOffset = kvHead * headDimension;
        var s = scores[..positions];
        var f32 = cache.ElementType == KvCacheElementType.F32;
        if (f32)
        {
            var keys = cache.Keys32(layer, positions);
            for (var p = 0; p < positions; p++)
            {
                s[p] = TensorPrimitives.Dot(query, keys.Slice((p * kvDim) + headOffset, headDimension)) * scale;
            }
        }
        else
        {
            var keys = cache.Keys16(layer, positions);
            for (var p = 0; p < positions; p++)
            {
                TensorPrimitives.ConvertToSingle(keys.Slice((p * kvDim) + headOffset, headDimension), row);
                s[p] = TensorPrimitives.Dot(query, row[..headDimension]) * scale;
            }
        }

        TensorPrimitives.SoftMax(s, s);

        output[..headDimension].Clear();
        if (f32)
        {
            var values = cache.Values32(layer, positions);
            for (var p = 0; p < positions; p++)
            {
                TensorPrimitives.MultiplyAdd(values.Slice((p * kvDim) + headOffset, headDimension), s[p], output[..headDimension], output[..headDimension]);
            }
        }
        else
        {
            var values = cache.Values16(layer, positions);
            for (var p = 0; p < positions; p++)
            {
                TensorPrimitives.ConvertToSingle(values.Slice((p * kvDim) + headOffset, headDimension), row);
                TensorPrimitives.MultiplyAdd(row[..headDimension], s[p], output[..headDimension], output[..headDimension]);
            }
        }
    }
}
