using Hearth.Inference.Gguf;

namespace Hearth.Inference.Kernels;

/// <summary>Weight × activations products, the engine's hot path.</summary>
public static unsafe class MatMul
{
    /// <summary>
    /// y[t, r] = Σ_c W[r, c] · x[t, c] for t in [0, <paramref name="tokens"/>): x is tokens × Cols (row-major), y is tokens × Rows.
    /// </summary>
    /// <remarks>
    /// Quantized weights: x is quantized once per call to the weight's activation format (Q8 blocks of 32 for Q8_0/Q4_0, Q8_K
    /// for Q4_K/Q6_K) and products use exact integer dot products. Rows are split across the pool's threads; with several tokens
    /// each weight row is used for 4 tokens per pass over it (and stays in L1 for the rest of a token tile), so prefill is
    /// matrix-matrix rather than repeated mat-vec. Calls on one pool are serialised. Allocates nothing after the first call
    /// of a given size.
    /// </remarks>
    /// <exception cref="ArgumentException">x or y is shorter than the shapes require.</exception>
    public static void Multiply(in WeightMatrix w, ReadOnlySpan<float> x, int tokens, Span<float> y, ComputePool pool) =>
        Multiply(w, x, tokens, y, pool, KernelSelection.BestFor(w.Type));

    /// <summary>
    /// Two products of the same x in one parallel pass (e.g. an FFN's gate and up projections): x is quantized once and the
    /// threads are forked once. Same result as two <see cref="Multiply(in WeightMatrix, ReadOnlySpan{float}, int, Span{float}, ComputePool)"/> calls.
    /// </summary>
    /// <exception cref="ArgumentException">The matrices' column counts differ, or a buffer is too short.</exception>
    public static void Multiply(in WeightMatrix w0, in WeightMatrix w1, ReadOnlySpan<float> x, int tokens, Span<float> y0, Span<float> y1, ComputePool pool)
    {
        CheckSameCols(w0, w1);
        Run(pool, x, tokens, w0, y0, KernelSelection.BestFor(w0.Type), w1, y1, KernelSelection.BestFor(w1.Type), default, default, default, 2);
    }

    /// <summary>Three products of the same x in one parallel pass (e.g. attention's Q, K and V projections).</summary>
    /// <exception cref="ArgumentException">The matrices' column counts differ, or a buffer is too short.</exception>
    public static void Multiply(in WeightMatrix w0, in WeightMatrix w1, in WeightMatrix w2, ReadOnlySpan<float> x, int tokens,
        Span<float> y0, Span<float> y1, Span<float> y2, ComputePool pool)
    {
        CheckSameCols(w0, w1);
        CheckSameCols(w0, w2);
        Run(pool, x, tokens, w0, y0, KernelSelection.BestFor(w0.Type), w1, y1, KernelSelection.BestFor(w1.Type), w2, y2, KernelSelection.BestFor(w2.Type), 3);
    }

    internal static void Multiply(in WeightMatrix w, ReadOnlySpan<float> x, int tokens, Span<float> y, ComputePool pool, KernelPath path) =>
        Run(pool, x, tokens, w, y, path, default, default, default, default, default, default, 1);

    private static void CheckSameCols(in WeightMatrix a, in WeightMatrix b)
    {
        if (a.Cols != b.Cols)
        {
            throw new ArgumentException($"Matrices multiplied with one x must have the same columns; got {a.Cols} and {b.Cols}.");
        }
    }

    private static void Check(in WeightMatrix w, ReadOnlySpan<float> x, int tokens, Span<float> y, KernelPath path, string yName)
    {
        if (w.Data == null)
        {
            throw new ArgumentException("The weight matrix is uninitialised.", nameof(w));
        }
        if (x.Length < (long)tokens * w.Cols)
        {
            throw new ArgumentException($"x holds {x.Length} floats; {tokens} tokens × {w.Cols} columns are needed.", nameof(x));
        }
        if (y.Length < (long)tokens * w.Rows)
        {
            throw new ArgumentException($"{yName} holds {y.Length} floats; {tokens} tokens × {w.Rows} rows are needed.", yName);
        }
        if (!KernelSelection.IsSupported(path))
        {
            throw new PlatformNotSupportedException($"Kernel path {path} is not supported on this CPU.");
        }
    }

    private static void Run(ComputePool pool, ReadOnlySpan<float> x, int tokens,
        in WeightMatrix w0, Span<float> y0, KernelPath p0,
        in WeightMatrix w1, Span<float> y1, KernelPath p1,
        in WeightMatrix w2, Span<float> y2, KernelPath p2, int parts)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        Check(w0, x, tokens, y0, p0, nameof(y0));
        if (parts > 1)
        {
            Check(w1, x, tokens, y1, p1, nameof(y1));
        }
        if (parts > 2)
        {
            Check(w2, x, tokens, y2, p2, nameof(y2));
        }
        var ws = pool.Workspace;
        lock (ws.Gate)
        {
            fixed (float* px = x)
            fixed (float* py0 = y0)
            fixed (float* py1 = y1)
            fixed (float* py2 = y2)
            {
                int cols = w0.Cols;
                var body = ws.Body;
                body.Prepare(px, tokens, cols, pool.ThreadCount);
                body.Add(w0, py0, p0);
                long maxRowBytes = w0.RowBytes;
                bool needQ8 = UsesQ8(w0.Type), needQ8K = UsesQ8K(w0.Type);
                if (parts > 1)
                {
                    body.Add(w1, py1, p1);
                    maxRowBytes = Math.Max(maxRowBytes, w1.RowBytes);
                    needQ8 |= UsesQ8(w1.Type);
                    needQ8K |= UsesQ8K(w1.Type);
                }
                if (parts > 2)
                {
                    body.Add(w2, py2, p2);
                    maxRowBytes = Math.Max(maxRowBytes, w2.RowBytes);
                    needQ8 |= UsesQ8(w2.Type);
                    needQ8K |= UsesQ8K(w2.Type);
                }
                if (needQ8 || needQ8K)
                {
                    QuantizeActivations(pool, ws, body, px, tokens, cols, needQ8, needQ8K, p0);
                }
                // Rows per chunk: enough that a chunk streams ≥ ~16 KiB of weights, amortising the chunk hand-out.
                int minChunk = (int)Math.Clamp(16384 / Math.Max(1, maxRowBytes), 1, 64);
                pool.For(body.Rows, body, minChunk);
                body.Release();
            }
        }
    }

    private static bool UsesQ8(GgmlType type) => type is GgmlType.Q8_0 or GgmlType.Q4_0;

    private static bool UsesQ8K(GgmlType type) => type is GgmlType.Q4_K or GgmlType.Q6_K;

    private static void QuantizeActivations(ComputePool pool, MatMulWorkspace ws, MatMulBody body, float* x, int tokens, int cols,
        bool needQ8, bool needQ8K, KernelPath path)
    {
        // Scratch layout: [Q8 regions (quants, scales, offsets, scaled sums) | Q8_K blocks], the Q8_K part 64-byte aligned.
        long q8Bytes = needQ8 ? Align(tokens * Q8Activations.BytesPerToken(cols / 32)) : 0;
        long q8kBytes = needQ8K ? (long)tokens * (cols / 256) * BlockLayout.Q8_KBytes : 0;
        byte* scratch = ws.Rent(q8Bytes + q8kBytes + 64);
        if (needQ8)
        {
            body.Q8 = Q8Activations.In(scratch, tokens, cols / 32);
        }
        if (needQ8K)
        {
            body.Q8K = new Q8KActivations(scratch + q8Bytes, cols / 256);
        }
        var quantizer = ws.Quantizer;
        quantizer.Prepare(x, cols, body.Q8, body.Q8K, path);
        if (tokens == 1)
        {
            quantizer.Run(0, 1, 0);
        }
        else
        {
            pool.For(tokens, quantizer);
        }
        quantizer.Release();
    }

    private static long Align(long bytes) => (bytes + 63) & ~63L;
}
