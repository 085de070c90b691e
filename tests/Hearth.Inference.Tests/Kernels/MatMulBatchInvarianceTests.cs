using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

/// <summary>
/// Batched decoding rests on this: a token's output row does not depend on the other tokens in the product (each token keeps
/// its own accumulators in the same order whether it is computed alone or 1–4 at a time), so batching sequences together
/// changes no result bit.
/// </summary>
public unsafe class MatMulBatchInvarianceTests
{
    public static TheoryData<GgmlType, string, int> Cases()
    {
        var data = new TheoryData<GgmlType, string, int>();
        foreach (var type in new[] { GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K })
        {
            foreach (var path in new[] { nameof(KernelPath.Scalar), nameof(KernelPath.Avx2), nameof(KernelPath.Avx512) })
            {
                data.Add(type, path, 9);   // tiles of 4 (AVX2 Q8_0/Q4_0: one call of 8), then a ragged 1
            }
        }
        // AVX2 Q8_0/Q4_0 with ≥ 16 tokens repack weight panels: 8 + 8 + a ragged 5, against the direct kernel alone.
        data.Add(GgmlType.Q8_0, nameof(KernelPath.Avx2), 21);
        data.Add(GgmlType.Q4_0, nameof(KernelPath.Avx2), 21);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Multiply_RowOfABatch_BitIdenticalToThatTokenAlone(GgmlType type, string pathName, int tokens)
    {
        var path = Enum.Parse<KernelPath>(pathName);
        KernelTestSupport.RequirePath(path);
        var rng = new Random((int)type * 10 + (int)path);
        const int rows = 23;
        // Q8_0/Q4_0: 19 blocks = 2 groups of 8 and a ragged 3, so more than one float step per token can disagree.
        int cols = type is GgmlType.Q4_K or GgmlType.Q6_K ? 512 : type is GgmlType.Q8_0 or GgmlType.Q4_0 ? 608 : 77;
        var wBytes = KernelTestSupport.QuantizeRows(type, KernelTestSupport.RandomFloats(rng, rows * cols, 0.2f), rows, cols);
        var x = KernelTestSupport.RandomFloats(rng, tokens * cols, 2f);
        using var pool = new ComputePool(2);
        fixed (byte* pw = wBytes)
        {
            var w = new WeightMatrix(pw, type, rows, cols);
            var batched = new float[tokens * rows];
            MatMul.Multiply(w, x, tokens, batched, pool, path);
            for (var t = 0; t < tokens; t++)
            {
                var alone = new float[rows];
                MatMul.Multiply(w, x.AsSpan(t * cols, cols), 1, alone, pool, path);
                Assert.Equal(alone, batched.AsSpan(t * rows, rows).ToArray());
            }
        }
    }
}
