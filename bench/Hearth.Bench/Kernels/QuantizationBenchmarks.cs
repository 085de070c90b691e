using BenchmarkDotNet.Attributes;
using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Bench.Kernels;

/// <summary>Quantizing and dequantizing one 4096-element row (model conversion and embedding lookups).</summary>
[MemoryDiagnoser]
public class QuantizationBenchmarks
{
    private const int Cols = 4096;
    private float[] _x = [];
    private byte[] _q = [];

    [Params(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q8_K, GgmlType.F16)]
    public GgmlType Type { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _x = Enumerable.Range(0, Cols).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        _q = new byte[GgmlTypeInfo.RowBytes(Type, Cols)];
        Quantization.QuantizeRow(Type, _x, _q);
    }

    [Benchmark]
    public void QuantizeRow() => Quantization.QuantizeRow(Type, _x, _q);

    [Benchmark]
    public void DequantizeRow() => Quantization.DequantizeRow(Type, _q, _x);
}
