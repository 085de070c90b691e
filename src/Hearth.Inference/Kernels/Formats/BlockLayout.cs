namespace Hearth.Inference.Kernels;

/// <summary>
/// Byte layouts of ggml's block formats (bit-compatible with <c>ggml-common.h</c>). All multi-byte fields are little-endian.
/// </summary>
internal static class BlockLayout
{
    /// <summary>Elements per block of the 32-element formats (Q8_0, Q4_0).</summary>
    public const int Qk32 = 32;

    /// <summary>Elements per super-block of the K-quant formats.</summary>
    public const int Qk256 = 256;

    /// <summary>Q8_0: fp16 d, then 32 × int8 qs. value = qs[i] · d.</summary>
    public const int Q8_0Bytes = 2 + 32;

    /// <summary>Q4_0: fp16 d, then 16 bytes; byte j holds element j (low nibble) and j+16 (high). value = (nibble − 8) · d.</summary>
    public const int Q4_0Bytes = 2 + 16;

    /// <summary>Q4_K: fp16 d @0, fp16 dmin @2, 12 bytes of 6-bit scales/mins @4, 128 bytes of nibbles @16.</summary>
    public const int Q4_KBytes = 2 + 2 + 12 + 128;
    public const int Q4_KScalesOffset = 4;
    public const int Q4_KQsOffset = 16;

    /// <summary>Q6_K: 128 bytes ql @0 (low 4 bits), 64 bytes qh @128 (high 2 bits), 16 × int8 scales @192, fp16 d @208.</summary>
    public const int Q6_KBytes = 128 + 64 + 16 + 2;
    public const int Q6_KQhOffset = 128;
    public const int Q6_KScalesOffset = 192;
    public const int Q6_KDOffset = 208;

    /// <summary>Q8_K (activations): float d @0, 256 × int8 qs @4, 16 × int16 sums of each 16 qs @260.</summary>
    public const int Q8_KBytes = 4 + 256 + 32;
    public const int Q8_KQsOffset = 4;
    public const int Q8_KSumsOffset = 260;
}
