namespace Hearth.Inference.Kernels;

/// <summary>Activations quantized to ggml's Q8_K blocks (float d, 256 × int8, 16 × int16 sums), <see cref="Blocks"/> per token.</summary>
internal readonly unsafe struct Q8KActivations(byte* data, int blocks)
{
    public byte* Data { get; } = data;
    public int Blocks { get; } = blocks;

    public byte* Of(int token) => Data + (long)token * Blocks * BlockLayout.Q8_KBytes;

    /// <summary>Quantizes one token's row of <see cref="Blocks"/>·256 floats.</summary>
    public void Quantize(int token, float* x) =>
        Q8_KFormat.Quantize(new ReadOnlySpan<float>(x, Blocks * 256), new Span<byte>(Of(token), Blocks * BlockLayout.Q8_KBytes));
}
