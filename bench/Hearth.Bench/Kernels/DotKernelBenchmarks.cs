using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Bench.Kernels;

/// <summary>
/// One thread, data in cache: 64 weight rows of 2048 columns against one token (and four tokens for the 32-block formats),
/// per kernel path, to compare the scalar twins with the SIMD paths. Reported per row.
/// </summary>
[MemoryDiagnoser]
public unsafe class DotKernelBenchmarks
{
    private const int Rows = 64, Cols = 2048;
    private byte* _weights;
    private long _rowBytes;
    private byte* _q8Buffer;
    private Q8Activations _q8;
    private Q8KActivations _q8k;
    private float* _x;
    private float* _dst;
    private KernelPath _path;

    [Params(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16, GgmlType.F32)]
    public GgmlType Type { get; set; }

    [Params("Scalar", "Avx2", "Avx512")]
    public string Path { get; set; } = "Avx2";

    [GlobalSetup]
    public void Setup()
    {
        _path = Enum.Parse<KernelPath>(Path);
        var rng = new Random(2);
        _rowBytes = GgmlTypeInfo.RowBytes(Type, Cols);
        _weights = (byte*)NativeMemory.AlignedAlloc((nuint)(_rowBytes * Rows), 64);
        var row = new float[Cols];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++)
            {
                row[c] = (float)(rng.NextDouble() * 2 - 1);
            }
            Quantization.QuantizeRow(Type, row, new Span<byte>(_weights + r * _rowBytes, (int)_rowBytes));
        }
        _x = (float*)NativeMemory.AlignedAlloc(4 * Cols * sizeof(float), 64);
        for (int i = 0; i < 4 * Cols; i++)
        {
            _x[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        int nb = Cols / 32;
        _q8Buffer = (byte*)NativeMemory.AlignedAlloc((nuint)(4 * Q8Activations.BytesPerToken(nb)), 64);
        _q8 = Q8Activations.In(_q8Buffer, 4, nb);
        _q8k = new Q8KActivations((byte*)NativeMemory.AlignedAlloc(4 * (nuint)(Cols / 256) * BlockLayout.Q8_KBytes, 64), Cols / 256);
        for (int t = 0; t < 4; t++)
        {
            _q8.QuantizeScalar(t, _x + t * Cols);
            _q8k.Quantize(t, _x + t * Cols);
        }
        _dst = (float*)NativeMemory.AlignedAlloc(16, 64);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_weights);
        NativeMemory.AlignedFree(_x);
        NativeMemory.AlignedFree(_q8Buffer);
        NativeMemory.AlignedFree(_q8k.Data);
        NativeMemory.AlignedFree(_dst);
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public float OneToken()
    {
        float sum = 0;
        for (int r = 0; r < Rows; r++)
        {
            sum += Dot(_weights + r * _rowBytes);
        }
        return sum;
    }

    private float Dot(byte* w) => (Type, _path) switch
    {
        (GgmlType.Q8_0, KernelPath.Scalar) => DotQ8_0.Scalar(w, _q8, 0),
        (GgmlType.Q8_0, KernelPath.Avx2) => Call(w, &DotQ8_0.Avx2Path<OneToken>),
        (GgmlType.Q8_0, _) => Call(w, &DotQ8_0.Avx512Path<OneToken>),
        (GgmlType.Q4_0, KernelPath.Scalar) => DotQ4_0.Scalar(w, _q8, 0),
        (GgmlType.Q4_0, KernelPath.Avx2) => Call(w, &DotQ4_0.Avx2Path<OneToken>),
        (GgmlType.Q4_0, _) => Call(w, &DotQ4_0.Avx512Path<OneToken>),
        (GgmlType.Q4_K, KernelPath.Scalar) => DotQ4_K.Scalar(w, _q8k.Data, _q8k.Blocks),
        (GgmlType.Q4_K, KernelPath.Avx2) => DotQ4_K.Avx2Path(w, _q8k.Data, _q8k.Blocks),
        (GgmlType.Q4_K, _) => DotQ4_K.Avx512Path(w, _q8k.Data, _q8k.Blocks),
        (GgmlType.Q6_K, KernelPath.Scalar) => DotQ6_K.Scalar(w, _q8k.Data, _q8k.Blocks),
        (GgmlType.Q6_K, KernelPath.Avx2) => DotQ6_K.Avx2Path(w, _q8k.Data, _q8k.Blocks),
        (GgmlType.Q6_K, _) => DotQ6_K.Avx512Path(w, _q8k.Data, _q8k.Blocks),
        (GgmlType.F16, KernelPath.Scalar) => DotFloat.ScalarF16((ushort*)w, _x, Cols),
        (GgmlType.F16, KernelPath.Avx2) => DotFloat.Avx2F16((ushort*)w, _x, Cols),
        (GgmlType.F16, _) => DotFloat.Avx512F16((ushort*)w, _x, Cols),
        (GgmlType.BF16, KernelPath.Scalar) => DotFloat.ScalarBF16((ushort*)w, _x, Cols),
        (GgmlType.BF16, KernelPath.Avx2) => DotFloat.Avx2BF16((ushort*)w, _x, Cols),
        (GgmlType.BF16, _) => DotFloat.Avx512BF16((ushort*)w, _x, Cols),
        (_, KernelPath.Scalar) => DotFloat.ScalarF32((float*)w, _x, Cols),
        (_, KernelPath.Avx2) => DotFloat.Avx2F32((float*)w, _x, Cols),
        _ => DotFloat.Avx512F32((float*)w, _x, Cols),
    };

    private float Call(byte* w, delegate*<byte*, in Q8Activations, int, float*, void> kernel)
    {
        kernel(w, _q8, 0, _dst);
        return _dst[0];
    }
}
