using System.Numerics.Tensors;

namespace Hearth.Inference.Kernels;

/// <summary>Float vector operations of a transformer layer (vectorised via <see cref="TensorPrimitives"/>).</summary>
public static class VectorOps
{
    /// <summary>dst = x / sqrt(mean(x²) + eps) ⊙ weight. <paramref name="dst"/> may be <paramref name="x"/>.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> dst)
    {
        CheckSameLength(x.Length, weight.Length, nameof(weight));
        CheckSameLength(x.Length, dst.Length, nameof(dst));
        if (x.IsEmpty)
        {
            return;
        }
        float meanSquare = TensorPrimitives.SumOfSquares(x) / x.Length;
        float scale = 1f / MathF.Sqrt(meanSquare + eps);
        TensorPrimitives.Multiply(x, scale, dst);
        TensorPrimitives.Multiply(dst, weight, dst);
    }

    /// <summary>In-place softmax, stable (subtracts the maximum first). An empty span is left alone.</summary>
    public static void Softmax(Span<float> x)
    {
        if (x.IsEmpty)
        {
            return;
        }
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, x);
        TensorPrimitives.Exp(x, x);
        float sum = TensorPrimitives.Sum(x);
        TensorPrimitives.Multiply(x, 1f / sum, x);
    }

    /// <summary>SwiGLU: dst = silu(gate) ⊙ up, silu(g) = g·σ(g). <paramref name="dst"/> may alias either input.</summary>
    public static void SiluMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> dst)
    {
        CheckSameLength(gate.Length, up.Length, nameof(up));
        CheckSameLength(gate.Length, dst.Length, nameof(dst));
        // σ goes through a 4 KiB stack buffer so dst may alias gate or up.
        Span<float> buffer = stackalloc float[1024];
        for (int i = 0; i < gate.Length; i += 1024)
        {
            int n = Math.Min(1024, gate.Length - i);
            var sig = buffer[..n];
            TensorPrimitives.Sigmoid(gate.Slice(i, n), sig);
            TensorPrimitives.Multiply(sig, gate.Slice(i, n), sig);
            TensorPrimitives.Multiply(sig, up.Slice(i, n), dst.Slice(i, n));
        }
    }

    /// <summary>dst = a + b.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        CheckSameLength(a.Length, b.Length, nameof(b));
        CheckSameLength(a.Length, dst.Length, nameof(dst));
        TensorPrimitives.Add(a, b, dst);
    }

    /// <summary>x *= factor, in place.</summary>
    public static void Scale(Span<float> x, float factor) => TensorPrimitives.Multiply(x, factor, x);

    /// <summary>Σ a·b.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckSameLength(a.Length, b.Length, nameof(b));
        return TensorPrimitives.Dot(a, b);
    }

    /// <summary>Index of the largest element (the first one on ties); −1 for an empty span.</summary>
    public static int ArgMax(ReadOnlySpan<float> x) => x.IsEmpty ? -1 : TensorPrimitives.IndexOfMax(x);

    private static void CheckSameLength(int expected, int actual, string name)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Length {actual} does not match {expected}.", name);
        }
    }
}
