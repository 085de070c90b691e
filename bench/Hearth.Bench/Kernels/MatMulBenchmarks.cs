using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Bench.Kernels;

/// <summary>
/// TinyLlama-sized FFN matrix (5632 × 2048) with 2 threads: decode (one token, a mat-vec that streams the weights once) and
/// prefill (64 tokens, matrix-matrix). Bytes/s of a decode = <see cref="WeightMatrix.TotalBytes"/> / mean time.
/// Run: dotnet run -c Release --project bench/Hearth.Bench -- --filter '*MatMulBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public unsafe class MatMulBenchmarks
{
    private const int Rows = 5632, Cols = 2048, PrefillTokens = 64;
    private byte* _weights;
    private WeightMatrix _w;
    private float[] _x = [];
    private float[] _y = [];
    private ComputePool? _pool;

    [Params(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16)]
    public GgmlType Type { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        long rowBytes = GgmlTypeInfo.RowBytes(Type, Cols);
        _weights = (byte*)NativeMemory.AlignedAlloc((nuint)(rowBytes * Rows), 64);
        var row = new float[Cols];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++)
            {
                row[c] = (float)(rng.NextDouble() * 2 - 1);
            }
            Quantization.QuantizeRow(Type, row, new Span<byte>(_weights + r * rowBytes, (int)rowBytes));
        }
        _w = new WeightMatrix(_weights, Type, Rows, Cols);
        _x = new float[PrefillTokens * Cols];
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        _y = new float[PrefillTokens * Rows];
        _pool = new ComputePool(2);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool?.Dispose();
        NativeMemory.AlignedFree(_weights);
    }

    [Benchmark]
    public void Decode() => MatMul.Multiply(_w, _x, 1, _y, _pool!);

    [Benchmark(OperationsPerInvoke = PrefillTokens)]
    public void Prefill64() => MatMul.Multiply(_w, _x, PrefillTokens, _y, _pool!);
}
