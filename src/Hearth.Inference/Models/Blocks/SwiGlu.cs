using System.Numerics.Tensors;

namespace Hearth.Inference.Models.Blocks;

/// <summary>The SwiGLU gate: h = silu(gate) ⊙ up, with silu(x) = x·σ(x). Written into <paramref name="gate"/>.</summary>
internal static class SwiGlu
{
    public static void Apply(Span<float> gate, ReadOnlySpan<float> up)
    {
        // silu(g) = g / (1 + e^-g); TensorPrimitives.Sigmoid is vectorised.
        var n = up.Length;
        var g = gate[..n];
        Span<float> chunk = stackalloc float[256];
        for (var i = 0; i < n; i += chunk.Length)
        {
            var len = Math.Min(chunk.Length, n - i);
            var c = chunk[..len];
            var gi = g.Slice(i, len);
            TensorPrimitives.Sigmoid(gi, c);
            TensorPrimitives.Multiply(gi, c, gi);
            TensorPrimitives.Multiply(gi, up.Slice(i, len), gi);
        }
    }
}
