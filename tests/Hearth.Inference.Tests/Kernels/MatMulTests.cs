using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

public unsafe class MatMulTests
{
    public static TheoryData<GgmlType> Types => new()
    {
        GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K,
    };

    private static int ColsFor(GgmlType type) => type is GgmlType.Q4_K or GgmlType.Q6_K ? 512 : type is GgmlType.Q8_0 or GgmlType.Q4_0 ? 96 : 77;

    /// <summary>
    /// Multiply against the float product of the dequantized weights and the unquantized x. The only approximation is the
    /// activation quantization: each x is off by at most half a step, amax/254 of its block, so |error| ≤ Σ|w|·amax/254 per
    /// output (plus float rounding, 1e-5 relative). Float weight types use x as is.
    /// </summary>
    [Theory]
    [MemberData(nameof(Types))]
    public void Multiply_AllTokenCounts_WithinActivationQuantizationBound(GgmlType type)
    {
        var rng = new Random((int)type + 100);
        const int rows = 37;
        int cols = ColsFor(type);
        int block = type is GgmlType.Q4_K or GgmlType.Q6_K ? 256 : type is GgmlType.Q8_0 or GgmlType.Q4_0 ? 32 : cols;
        bool quantizedActivations = type is GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_K or GgmlType.Q6_K;
        var wf = KernelTestSupport.RandomFloats(rng, rows * cols, 0.2f);
        var wBytes = KernelTestSupport.QuantizeRows(type, wf, rows, cols);
        var wd = KernelTestSupport.DequantizeRows(type, wBytes, rows, cols);
        using var pool = new ComputePool(2);
        fixed (byte* pw = wBytes)
        {
            var w = new WeightMatrix(pw, type, rows, cols);
            foreach (int tokens in new[] { 1, 2, 3, 4, 5, 9, 19 })   // 19: AVX2 Q8_0/Q4_0 weight panels (≥ 16 tokens)
            {
                var x = KernelTestSupport.RandomFloats(rng, tokens * cols, 2f);
                var y = new float[tokens * rows];
                MatMul.Multiply(w, x, tokens, y, pool);
                for (int t = 0; t < tokens; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        double expected = 0, magnitude = 0, bound = 0;
                        for (int b = 0; b < cols / block; b++)
                        {
                            float amax = 0, wAbs = 0;
                            for (int c = b * block; c < (b + 1) * block; c++)
                            {
                                expected += wd[r * cols + c] * (double)x[t * cols + c];
                                magnitude += Math.Abs(wd[r * cols + c] * (double)x[t * cols + c]);
                                amax = MathF.Max(amax, MathF.Abs(x[t * cols + c]));
                                wAbs += MathF.Abs(wd[r * cols + c]);
                            }
                            bound += quantizedActivations ? wAbs * amax / 254 : 0;
                        }
                        bound += 1e-5 * magnitude + 1e-6;
                        Assert.True(Math.Abs(y[t * rows + r] - expected) <= bound,
                            $"{type} tokens={tokens} t={t} r={r}: {y[t * rows + r]} vs {expected} (bound {bound})");
                    }
                }
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Types))]
    public void Multiply_SimdPaths_MatchScalarPath(GgmlType type)
    {
        var rng = new Random((int)type + 200);
        const int rows = 19, tokens = 7;
        int cols = ColsFor(type);
        var wBytes = KernelTestSupport.QuantizeRows(type, KernelTestSupport.RandomFloats(rng, rows * cols, 0.2f), rows, cols);
        var x = KernelTestSupport.RandomFloats(rng, tokens * cols, 2f);
        using var pool = new ComputePool(2);
        fixed (byte* pw = wBytes)
        {
            var w = new WeightMatrix(pw, type, rows, cols);
            var reference = new float[tokens * rows];
            MatMul.Multiply(w, x, tokens, reference, pool, KernelPath.Scalar);
            float scale = reference.Max(MathF.Abs);
            var missing = new List<KernelPath>();
            foreach (var path in new[] { KernelPath.Avx2, KernelPath.Avx512 })
            {
                if (!KernelTestSupport.CanRun(path))
                {
                    missing.Add(path);
                    continue;
                }
                var y = new float[tokens * rows];
                MatMul.Multiply(w, x, tokens, y, pool, path);
                for (int i = 0; i < y.Length; i++)
                {
                    // Same quantized inputs, exact integer block sums; float summation order only.
                    Assert.True(MathF.Abs(y[i] - reference[i]) <= 1e-4f * scale, $"{type} {path} [{i}]: {y[i]} vs {reference[i]}");
                }
            }
            KernelTestSupport.SkipIfAnyMissing(missing);
        }
    }

    [Fact]
    public void Multiply_OneAndTwoThreads_GiveIdenticalResults()
    {
        var rng = new Random(300);
        const int rows = 301, cols = 256, tokens = 6;
        var wBytes = KernelTestSupport.QuantizeRows(GgmlType.Q4_0, KernelTestSupport.RandomFloats(rng, rows * cols), rows, cols);
        var x = KernelTestSupport.RandomFloats(rng, tokens * cols);
        using var one = new ComputePool(1);
        using var two = new ComputePool(2);
        fixed (byte* pw = wBytes)
        {
            var w = new WeightMatrix(pw, GgmlType.Q4_0, rows, cols);
            var y1 = new float[tokens * rows];
            var y2 = new float[tokens * rows];
            MatMul.Multiply(w, x, tokens, y1, one);
            MatMul.Multiply(w, x, tokens, y2, two);
            Assert.Equal(y1, y2);
        }
    }

    [Fact]
    public void Multiply_SteadyState_AllocatesNothingOnCaller()
    {
        var rng = new Random(301);
        const int rows = 64, cols = 128;
        var wBytes = KernelTestSupport.QuantizeRows(GgmlType.Q8_0, KernelTestSupport.RandomFloats(rng, rows * cols), rows, cols);
        var x = KernelTestSupport.RandomFloats(rng, 4 * cols);
        var y = new float[4 * rows];
        using var pool = new ComputePool(2);
        fixed (byte* pw = wBytes)
        {
            var w = new WeightMatrix(pw, GgmlType.Q8_0, rows, cols);
            MatMul.Multiply(w, x, 4, y, pool);
            MatMul.Multiply(w, x, 1, y, pool);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                MatMul.Multiply(w, x, 1 + (i & 3), y, pool);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Multiply_FusedPairAndTriple_EqualSeparateCalls(int tokens)
    {
        var rng = new Random(302 + tokens);
        const int cols = 512;
        (GgmlType Type, int Rows)[] shapes = [(GgmlType.Q4_0, 45), (GgmlType.Q6_K, 13), (GgmlType.F16, 70)];
        var data = shapes.Select(s => KernelTestSupport.QuantizeRows(s.Type, KernelTestSupport.RandomFloats(rng, s.Rows * cols, 0.2f), s.Rows, cols)).ToArray();
        var x = KernelTestSupport.RandomFloats(rng, tokens * cols, 2f);
        using var pool = new ComputePool(2);
        fixed (byte* p0 = data[0])
        fixed (byte* p1 = data[1])
        fixed (byte* p2 = data[2])
        {
            var w = new[] { new WeightMatrix(p0, shapes[0].Type, shapes[0].Rows, cols), new WeightMatrix(p1, shapes[1].Type, shapes[1].Rows, cols), new WeightMatrix(p2, shapes[2].Type, shapes[2].Rows, cols) };
            var separate = w.Select(m => new float[tokens * m.Rows]).ToArray();
            for (int i = 0; i < 3; i++)
            {
                MatMul.Multiply(w[i], x, tokens, separate[i], pool);
            }
            var triple = w.Select(m => new float[tokens * m.Rows]).ToArray();
            MatMul.Multiply(w[0], w[1], w[2], x, tokens, triple[0], triple[1], triple[2], pool);
            var pair = w.Take(2).Select(m => new float[tokens * m.Rows]).ToArray();
            MatMul.Multiply(w[0], w[1], x, tokens, pair[0], pair[1], pool);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(separate[i], triple[i]);
            }
            Assert.Equal(separate[0], pair[0]);
            Assert.Equal(separate[1], pair[1]);
        }
    }

    [Fact]
    public void Multiply_FusedWithDifferentColumns_Throws()
    {
        var bytes = new byte[4 * 34 * 2];
        using var pool = new ComputePool(1);
        fixed (byte* p = bytes)
        {
            var a = new WeightMatrix(p, GgmlType.Q8_0, 4, 32);
            var b = new WeightMatrix(p, GgmlType.Q8_0, 2, 64);
            Assert.Throws<ArgumentException>(() => MatMul.Multiply(a, b, new float[64], 1, new float[4], new float[2], pool));
        }
    }

    [Fact]
    public void Multiply_ShortInputOrOutput_ThrowsArgumentException()
    {
        var wBytes = new byte[4 * 34];
        using var pool = new ComputePool(1);
        fixed (byte* pw = wBytes)
        {
            var w = new WeightMatrix(pw, GgmlType.Q8_0, 4, 32);
            Assert.Throws<ArgumentException>(() => MatMul.Multiply(w, new float[63], 2, new float[8], pool));
            Assert.Throws<ArgumentException>(() => MatMul.Multiply(w, new float[64], 2, new float[7], pool));
            Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.Multiply(w, new float[64], 0, new float[8], pool));
        }
    }

    [Fact]
    public void WeightMatrix_InvalidShapesAndTypes_Throw()
    {
        byte b = 0;
        byte* p = &b;
        Assert.Throws<ArgumentException>(() => new WeightMatrix(p, GgmlType.Q4_K, 1, 32));
        Assert.Throws<NotSupportedException>(() => new WeightMatrix(p, GgmlType.Q5_K, 1, 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightMatrix(p, GgmlType.F32, 0, 4));
        Assert.Throws<ArgumentNullException>(() => new WeightMatrix(null, GgmlType.F32, 1, 4));
        var m = new WeightMatrix(p, GgmlType.Q6_K, 3, 512);
        Assert.Equal(420, m.RowBytes);
    }

    [Fact]
    public void WeightMatrix_DequantizeRow_ReturnsThatRow()
    {
        var values = KernelTestSupport.RandomFloats(new Random(5), 3 * 64);
        var bytes = KernelTestSupport.QuantizeRows(GgmlType.Q8_0, values, 3, 64);
        var expected = KernelTestSupport.DequantizeRows(GgmlType.Q8_0, bytes, 3, 64);
        fixed (byte* p = bytes)
        {
            var m = new WeightMatrix(p, GgmlType.Q8_0, 3, 64);
            var row = new float[64];
            m.DequantizeRow(2, row);
            Assert.Equal(expected.AsSpan(128, 64).ToArray(), row);
        }
    }
}
