using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using Hearth.Inference.Gguf;

namespace Hearth.Inference.Kernels;

/// <summary>Quantizes tokens' activation rows (one parallel item per token).</summary>
internal sealed unsafe class QuantizeBody : IParallelBody
{
    private float* _x;
    private int _cols;
    private Q8Activations _q8;
    private Q8KActivations _q8k;
    private KernelPath _path;

    public void Prepare(float* x, int cols, Q8Activations q8, Q8KActivations q8k, KernelPath path)
    {
        _x = x;
        _cols = cols;
        _q8 = q8;
        _q8k = q8k;
        _path = path;
    }

    public void Release() => _x = null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int start, int end, int worker)
    {
        for (int t = start; t < end; t++)
        {
            float* row = _x + (long)t * _cols;
            if (_q8.Qs != null)
            {
                if (_path == KernelPath.Scalar)
                {
                    _q8.QuantizeScalar(t, row);
                }
                else
                {
                    _q8.Quantize(t, row);
                }
            }
            if (_q8k.Data != null)
            {
                _q8k.Quantize(t, row);
            }
        }
    }
}

/// <summary>
/// Computes rows [start, end) of y for all tokens, for 1–3 matrices that share x (their rows are numbered one after another).
/// Tokens are taken in tiles whose quantized activations fit in L2; within a tile each weight row meets the tokens 4 at a time
/// (one weight load and unpack per 4 dot products) and stays in L1 for the rest of the tile.
/// </summary>
internal sealed unsafe class MatMulBody : IParallelBody
{
    // Hot dispatch methods are AggressiveOptimization: compiled fully optimised at once and never re-jitted from a tiered
    // profile, which (measured) otherwise made whichever weight type ran second up to 3× slower.

    private const int TileBytes = 256 * 1024;
    // Direct kernels: a band of raw rows (L1/L2) per token octet. Panel kernels: the repacked band lives in L2 (measured
    // here, 1 thread, 128 tokens: 16 KiB → 64 KiB bands were 5–20 % faster; 256 KiB no better), while each token octet's
    // interleaved activations (8 × cols bytes) stay in L1 as the band's rows pass over them.
    private const int BandBytes = 16 * 1024;
    private const int PanelBandBytes = 64 * 1024;

    /// <summary>Fewest tokens for which a multiply repacks weight panels (the repack is paid once per row and call).</summary>
    internal const int PanelMinTokens = 16;

    private nint[] _panels = [];
    private long[] _panelBytes = [];

    private readonly Part[] _parts = new Part[3];
    private int _partCount;
    private float* _x;
    private int _tokens;
    private int _cols;

    private struct Part
    {
        public WeightMatrix W;
        public float* Y;
        public KernelPath Path;
        public int FirstRow;
    }

    public Q8Activations Q8 { get; set; }
    public Q8KActivations Q8K { get; set; }

    /// <summary>Total rows over all parts.</summary>
    public int Rows { get; private set; }

    public void Prepare(float* x, int tokens, int cols, int workers)
    {
        if (_panels.Length < workers)
        {
            Array.Resize(ref _panels, workers);
            Array.Resize(ref _panelBytes, workers);
        }
        _x = x;
        _tokens = tokens;
        _cols = cols;
        _partCount = 0;
        Rows = 0;
        Q8 = default;
        Q8K = default;
    }

    public void Add(in WeightMatrix w, float* y, KernelPath path)
    {
        _parts[_partCount++] = new Part { W = w, Y = y, Path = path, FirstRow = Rows };
        Rows += w.Rows;
    }

    /// <summary>Frees the workers' weight panels (the workspace's disposal).</summary>
    public void FreePanels()
    {
        for (int i = 0; i < _panels.Length; i++)
        {
            NativeMemory.AlignedFree((void*)_panels[i]);
            _panels[i] = 0;
            _panelBytes[i] = 0;
        }
    }

    public void Release()
    {
        _x = null;
        for (int i = 0; i < _parts.Length; i++)
        {
            _parts[i] = default;
        }
        Q8 = default;
        Q8K = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int start, int end, int worker)
    {
        for (int p = 0; p < _partCount; p++)
        {
            ref Part part = ref _parts[p];
            int lo = Math.Max(start, part.FirstRow), hi = Math.Min(end, part.FirstRow + part.W.Rows);
            if (lo < hi)
            {
                RunPart(part, lo - part.FirstRow, hi - part.FirstRow, worker);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPart(in Part part, int start, int end, int worker)
    {
        if (part.Path == KernelPath.Avx2 && part.W.Type is GgmlType.Q8_0 or GgmlType.Q4_0)
        {
            RunGrouped(part, start, end, worker);
            return;
        }
        int tile = (int)Math.Clamp(TileBytes / Math.Max(1, _cols * 2L), 4, 256) & ~3;
        // Rows per band: a band of weight rows stays in L1/L2 while each quad of tokens passes over it, and the quad's
        // activations stay in L1 for the whole band (instead of being fetched from L2 again for every row).
        int band = (int)Math.Clamp(BandBytes / Math.Max(1, part.W.RowBytes), 1, 64);
        float* results = stackalloc float[4];
        var w = part.W;
        for (int t0 = 0; t0 < _tokens; t0 += tile)
        {
            int t1 = Math.Min(_tokens, t0 + tile);
            for (int r0 = start; r0 < end; r0 += band)
            {
                int r1 = Math.Min(end, r0 + band);
                int t = t0;
                for (; t + 4 <= t1; t += 4)
                {
                    for (int r = r0; r < r1; r++)
                    {
                        Row<FourTokens>(part, w.Data + r * w.RowBytes, t, results);
                        Store(part, results, r, t, 4);
                    }
                }
                for (int r = r0; r < r1; r++)
                {
                    byte* row = w.Data + r * w.RowBytes;
                    switch (t1 - t)
                    {
                        case 3:
                            Row<ThreeTokens>(part, row, t, results);
                            Store(part, results, r, t, 3);
                            break;
                        case 2:
                            Row<TwoTokens>(part, row, t, results);
                            Store(part, results, r, t, 2);
                            break;
                        case 1:
                            Row<OneToken>(part, row, t, results);
                            Store(part, results, r, t, 1);
                            break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The AVX2 Q8_0/Q4_0 kernels take a band of rows × up to 8 tokens per call: each weight group is unpacked once for the
    /// 8 tokens, and the 8 tokens' activations stay in L1 while the band's rows pass over them. With at least
    /// <see cref="PanelMinTokens"/> tokens each band is first repacked into this worker's <see cref="WeightPanel"/> (once for
    /// all the tokens) and the panel kernels run; their results are bit-identical to the direct kernels'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunGrouped(in Part part, int start, int end, int worker)
    {
        const int most = DotQ8_0.MaxTokens;
        var w = part.W;
        bool q8 = w.Type == GgmlType.Q8_0;
        int blocks = Q8.Blocks;
        bool panels = _tokens >= PanelMinTokens;
        long panelRow = WeightPanel.RowBytes(w.Type, blocks);
        int band = (int)Math.Clamp((panels ? PanelBandBytes / panelRow : BandBytes / Math.Max(1, w.RowBytes)), 1, 256);
        byte* panel = panels ? Panel(worker, band * panelRow) : null;
        for (int r0 = start; r0 < end; r0 += band)
        {
            int rows = Math.Min(end, r0 + band) - r0;
            byte* wr = w.Data + r0 * w.RowBytes;
            if (panels)
            {
                WeightPanel.Repack(w.Type, wr, rows, w.RowBytes, blocks, panel);
            }
            for (int t = 0; t < _tokens; t += most)
            {
                int n = Math.Min(most, _tokens - t);
                float* y = part.Y + (long)t * w.Rows + r0;
                switch (panels, q8)
                {
                    case (true, true):
                        DotQ8_0.PanelRows(panel, rows, Q8, t, n, y, w.Rows);
                        break;
                    case (true, false):
                        DotQ4_0.PanelRows(panel, rows, Q8, t, n, y, w.Rows);
                        break;
                    case (false, true):
                        DotQ8_0.Avx2Rows(wr, rows, w.RowBytes, Q8, t, n, y, w.Rows);
                        break;
                    default:
                        DotQ4_0.Avx2Rows(wr, rows, w.RowBytes, Q8, t, n, y, w.Rows);
                        break;
                }
            }
        }
    }

    /// <summary>This worker's panel buffer of at least <paramref name="bytes"/> (grown on demand, never shrunk).</summary>
    private byte* Panel(int worker, long bytes)
    {
        if (_panelBytes[worker] < bytes)
        {
            NativeMemory.AlignedFree((void*)_panels[worker]);
            _panels[worker] = (nint)NativeMemory.AlignedAlloc((nuint)bytes, 64);
            _panelBytes[worker] = bytes;
        }
        return (byte*)_panels[worker];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Store(in Part part, float* results, int row, int token, int count)
    {
        for (int i = 0; i < count; i++)
        {
            part.Y[(long)(token + i) * part.W.Rows + row] = results[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Row<TCount>(in Part part, byte* row, int token, float* dst) where TCount : struct, ITokenCount
    {
        switch (part.W.Type)
        {
            case GgmlType.Q8_0:
                if (part.Path == KernelPath.Avx512)
                {
                    DotQ8_0.Avx512Path<TCount>(row, Q8, token, dst);
                }
                else if (part.Path == KernelPath.Avx2)
                {
                    DotQ8_0.Avx2Path<TCount>(row, Q8, token, dst);
                }
                else
                {
                    for (int i = 0; i < TCount.Value; i++)
                    {
                        dst[i] = DotQ8_0.Scalar(row, Q8, token + i);
                    }
                }
                return;
            case GgmlType.Q4_0:
                if (part.Path == KernelPath.Avx512)
                {
                    DotQ4_0.Avx512Path<TCount>(row, Q8, token, dst);
                }
                else if (part.Path == KernelPath.Avx2)
                {
                    DotQ4_0.Avx2Path<TCount>(row, Q8, token, dst);
                }
                else
                {
                    for (int i = 0; i < TCount.Value; i++)
                    {
                        dst[i] = DotQ4_0.Scalar(row, Q8, token + i);
                    }
                }
                return;
            case GgmlType.Q4_K when part.Path == KernelPath.Avx512:
                DotQ4_K.Avx512Path<TCount>(row, Q8K, token, dst);
                return;
            case GgmlType.Q6_K when part.Path == KernelPath.Avx512:
                DotQ6_K.Avx512Path<TCount>(row, Q8K, token, dst);
                return;
        }
        for (int i = 0; i < TCount.Value; i++)
        {
            dst[i] = Single(part, row, token + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Single(in Part part, byte* row, int token)
    {
        int cols = _cols;
        float* x = _x + (long)token * cols;
        switch (part.W.Type)
        {
            case GgmlType.Q4_K:
                return part.Path switch
                {
                    KernelPath.Avx512 => DotQ4_K.Avx512Path(row, Q8K.Of(token), Q8K.Blocks),
                    KernelPath.Avx2 => DotQ4_K.Avx2Path(row, Q8K.Of(token), Q8K.Blocks),
                    _ => DotQ4_K.Scalar(row, Q8K.Of(token), Q8K.Blocks),
                };
            case GgmlType.Q6_K:
                return part.Path switch
                {
                    KernelPath.Avx512 => DotQ6_K.Avx512Path(row, Q8K.Of(token), Q8K.Blocks),
                    KernelPath.Avx2 => DotQ6_K.Avx2Path(row, Q8K.Of(token), Q8K.Blocks),
                    _ => DotQ6_K.Scalar(row, Q8K.Of(token), Q8K.Blocks),
                };
            case GgmlType.F16:
                return part.Path switch
                {
                    KernelPath.Avx512 => DotFloat.Avx512F16((ushort*)row, x, cols),
                    KernelPath.Avx2 => DotFloat.Avx2F16((ushort*)row, x, cols),
                    _ => DotFloat.ScalarF16((ushort*)row, x, cols),
                };
            case GgmlType.BF16:
                return part.Path switch
                {
                    KernelPath.Avx512 => DotFloat.Avx512BF16((ushort*)row, x, cols),
                    KernelPath.Avx2 => DotFloat.Avx2BF16((ushort*)row, x, cols),
                    _ => DotFloat.ScalarBF16((ushort*)row, x, cols),
                };
            default:
                return part.Path switch
                {
                    KernelPath.Avx512 => DotFloat.Avx512F32((float*)row, x, cols),
                    KernelPath.Avx2 => DotFloat.Avx2F32((float*)row, x, cols),
                    _ => DotFloat.ScalarF32((float*)row, x, cols),
                };
        }
    }
}
