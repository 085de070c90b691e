using System.Runtime.Intrinsics.X86;
using Hearth.Inference.Gguf;

namespace Hearth.Inference.Kernels;

/// <summary>Which implementation of the kernels runs: the scalar reference twins, AVX2 (+AVX-VNNI), or AVX-512BW.</summary>
internal enum KernelPath
{
    Scalar,
    Avx2,
    Avx512,
}

/// <summary>Chooses the kernel path once per process (override with <c>HEARTH_KERNELS=scalar|avx2|avx512</c>).</summary>
internal static class KernelSelection
{
    public static bool Avx2Supported => Avx2.IsSupported && Fma.IsSupported;

    public static bool Avx512Supported => Avx2Supported && Avx512F.IsSupported && Avx512BW.IsSupported;

    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Avx2 => Avx2Supported,
        KernelPath.Avx512 => Avx512Supported,
        _ => true,
    };

    private static readonly string? s_requested = Environment.GetEnvironmentVariable("HEARTH_KERNELS");

    /// <summary>The widest path this CPU supports, unless the environment variable names a supported one.</summary>
    public static KernelPath Best { get; } = Choose(s_requested);

    /// <summary>
    /// The fastest path for a weight type. .NET 10 exposes VNNI only for 256-bit vectors (AVX-VNNI), and the 512-bit path
    /// needs two instructions (vpmaddubsw + vpmaddwd) where AVX-VNNI needs one vpdpbusd, so the 32-block formats (Q8_0, Q4_0)
    /// run faster on the 256-bit path when AVX-VNNI is present (measured: Q4_0 mat-vec ~2× faster in cache). The K-quants and
    /// float types gain from 512-bit vectors.
    /// </summary>
    public static KernelPath BestFor(GgmlType type)
    {
        if (Enum.TryParse<KernelPath>(s_requested, ignoreCase: true, out var forced) && IsSupported(forced))
        {
            return forced;
        }
        if (type is GgmlType.Q8_0 or GgmlType.Q4_0 && AvxVnni.IsSupported && Avx2Supported)
        {
            return KernelPath.Avx2;
        }
        return Best;
    }

    internal static KernelPath Choose(string? requested)
    {
        if (Enum.TryParse<KernelPath>(requested, ignoreCase: true, out var path) && IsSupported(path))
        {
            return path;
        }
        return Avx512Supported ? KernelPath.Avx512 : Avx2Supported ? KernelPath.Avx2 : KernelPath.Scalar;
    }
}
