using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Hearth.Inference.Kernels;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(
        ReadOnlySpan<float> query, KvCache cache, int layer, int kvHead, int positions, float scale,
        Span<float> scores, Span<float> row, Span<float> output)
    {
        var headDimension = query.Length;
        var kvDim = cache.KvDim;
        var headOffset = kvHead * headDimension;
        var s = scores[..positions];
        var f32 = cache.ElementType == KvCacheElementType.F32;
        if (f32 && Vector256.IsHardwareAccelerated && headDimension % 8 == 0)
        {
            ComputeF32Vector(query, cache.Keys32(layer, positions), cache.Values32(layer, positions), kvDim, headOffset, scale, s, output[..headDimension]);
            return;
        }
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

        VectorOps.Softmax(s);   // max-subtracted: TensorPrimitives.SoftMax overflows to NaN once a score exceeds ~88

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
    /// <summary>
    /// The F32-cache path with explicit 256-bit vectors: a prefill makes millions of (position, head) products of one head
    /// (64 floats), where per-call overhead of the span primitives dominated (a quarter of SmolLM2's prefill time). Scores are one
    /// FMA chain per position; the weighted sum keeps 4 output vectors in registers across all positions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeF32Vector(
        ReadOnlySpan<float> query, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int kvDim, int headOffset, float scale,
        Span<float> scores, Span<float> output)
    {
        var headDimension = output.Length;
        var positions = scores.Length;
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var k = ref MemoryMarshal.GetReference(keys);
        ref var v = ref MemoryMarshal.GetReference(values);
        ref var o = ref MemoryMarshal.GetReference(output);
        for (var p = 0; p < positions; p++)
        {
            var row = (nuint)((p * kvDim) + headOffset);
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            var d = 0;
            for (; d + 16 <= headDimension; d += 16)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q, (nuint)d), Vector256.LoadUnsafe(ref k, row + (nuint)d), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q, (nuint)d + 8), Vector256.LoadUnsafe(ref k, row + (nuint)d + 8), acc1);
            }
            if (d < headDimension)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q, (nuint)d), Vector256.LoadUnsafe(ref k, row + (nuint)d), acc0);
            }
            scores[p] = Vector256.Sum(acc0 + acc1) * scale;
        }

        VectorOps.Softmax(scores);

        ref var w = ref MemoryMarshal.GetReference(scores);
        var start = 0;
        for (; start + 32 <= headDimension; start += 32)
        {
            var o0 = Vector256<float>.Zero;
            var o1 = Vector256<float>.Zero;
            var o2 = Vector256<float>.Zero;
            var o3 = Vector256<float>.Zero;
            for (var p = 0; p < positions; p++)
            {
                var row = (nuint)((p * kvDim) + headOffset + start);
                var weight = Vector256.Create(Unsafe.Add(ref w, p));
                o0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, row), weight, o0);
                o1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, row + 8), weight, o1);
                o2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, row + 16), weight, o2);
                o3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, row + 24), weight, o3);
            }
            o0.StoreUnsafe(ref o, (nuint)start);
            o1.StoreUnsafe(ref o, (nuint)start + 8);
            o2.StoreUnsafe(ref o, (nuint)start + 16);
            o3.StoreUnsafe(ref o, (nuint)start + 24);
        }
        for (; start < headDimension; start += 8)
        {
            var o0 = Vector256<float>.Zero;
            for (var p = 0; p < positions; p++)
            {
                o0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, (nuint)((p * kvDim) + headOffset + start)), Vector256.Create(Unsafe.Add(ref w, p)), o0);
            }
            o0.StoreUnsafe(ref o, (nuint)start);
        }
    }
}
