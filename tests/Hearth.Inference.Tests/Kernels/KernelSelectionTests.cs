using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

public class KernelSelectionTests
{
    [Fact]
    public void Choose_ScalarRequested_ReturnsScalar() => Assert.Equal(KernelPath.Scalar, KernelSelection.Choose("scalar"));

    [Fact]
    public void Choose_UnknownOrMissing_ReturnsWidestSupported()
    {
        var expected = KernelSelection.Avx512Supported ? KernelPath.Avx512 : KernelSelection.Avx2Supported ? KernelPath.Avx2 : KernelPath.Scalar;
        Assert.Equal(expected, KernelSelection.Choose("sse9"));
        Assert.Equal(expected, KernelSelection.Choose(null));
    }

    [Fact]
    public void BestFor_EveryType_IsSupportedHereAndPrefers256BitForBlocksOf32()
    {
        foreach (var type in GgmlTypeInfo.Supported)
        {
            Assert.True(KernelSelection.IsSupported(KernelSelection.BestFor(type)));
        }
        if (KernelSelection.Avx2Supported && Environment.GetEnvironmentVariable("HEARTH_KERNELS") is null)
        {
            Assert.Equal(KernelPath.Avx2, KernelSelection.BestFor(GgmlType.Q4_0));
            Assert.Equal(KernelPath.Avx2, KernelSelection.BestFor(GgmlType.Q8_0));
        }
    }

    [SkippableFact]
    public void CiMachine_SupportsEverySimdPath()
    {
        Skip.IfNot(KernelTestSupport.UnderCi, "Checks the CI machine (CI=true) has every SIMD path; this run is not under CI.");

        Assert.True(KernelSelection.Avx2Supported, "CI must run the AVX2 kernels.");
        Assert.True(KernelSelection.Avx512Supported, "CI must run the AVX-512 kernels.");
    }
}
