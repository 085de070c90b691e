using System.Numerics.Tensors;

namespace Hearth.Inference.Models.Blocks;

/// <summary>RMSNorm: y = x / sqrt(mean(x²) + ε) ⊙ w, row by row.</summary>
internal static class RmsNorm
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float epsilon, Span<float> y)
    {
        var n = weight.Length;
        var meanSquare = TensorPrimitives.SumOfSquares(x[..n]) / n;
        var scale = 1f / MathF.Sqrt(meanSquare + epsilon);
        TensorPrimitives.Multiply(x[..n], scale, y[..n]);
        TensorPrimitives.Multiply(y[..n], weight, y[..n]);
    }

    /// <summary>Normalises each of <paramref name="rows"/> rows of length <c>weight.Length</c>.</summary>
    public static void ApplyRows(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> weight, float epsilon, Span<float> y)
    {
        var n = weight.Length;
        for (var r = 0; r < rows; r++)
        {
            Apply(x.Slice(r * n, n), weight, epsilon, y.Slice(r * n, n));
        }
    }
}
