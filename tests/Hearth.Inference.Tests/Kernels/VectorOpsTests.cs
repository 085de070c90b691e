using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

public class VectorOpsTests
{
    [Fact]
    public void RmsNorm_RandomVector_MatchesDefinition()
    {
        var rng = new Random(1);
        var x = KernelTestSupport.RandomFloats(rng, 77, 3f);
        var w = KernelTestSupport.RandomFloats(rng, 77);
        var dst = new float[77];
        VectorOps.RmsNorm(x, w, 1e-5f, dst);
        double ms = x.Sum(v => (double)v * v) / x.Length;
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i] / Math.Sqrt(ms + 1e-5) * w[i], dst[i], 1e-5);
        }
    }

    [Fact]
    public void Softmax_LargeLogits_IsStableAndSumsToOne()
    {
        float[] x = [1000f, 999f, 998f, -1000f];
        VectorOps.Softmax(x);
        Assert.Equal(1.0, x.Sum(v => (double)v), 1e-6);
        Assert.Equal(1 / (1 + Math.Exp(-1) + Math.Exp(-2)), x[0], 1e-6);
        Assert.Equal(0f, x[3]);
    }

    [Fact]
    public void SiluMul_AliasedDestination_MatchesDefinition()
    {
        var rng = new Random(2);
        var gate = KernelTestSupport.RandomFloats(rng, 2100, 4f);
        var up = KernelTestSupport.RandomFloats(rng, 2100);
        var expected = gate.Zip(up, (g, u) => g / (1 + Math.Exp(-g)) * u).ToArray();
        VectorOps.SiluMul(gate, up, gate);
        for (int i = 0; i < gate.Length; i++)
        {
            Assert.Equal(expected[i], gate[i], 1e-5);
        }
    }

    [Fact]
    public void AddScaleDotArgMax_SmallVectors_GiveExpectedValues()
    {
        float[] a = [1, 2, 3], b = [4, 5, 6], dst = new float[3];
        VectorOps.Add(a, b, dst);
        Assert.Equal([5f, 7f, 9f], dst);
        VectorOps.Scale(dst, 2);
        Assert.Equal([10f, 14f, 18f], dst);
        Assert.Equal(32f, VectorOps.Dot(a, b));
        Assert.Equal(1, VectorOps.ArgMax([1f, 5f, 5f, -2f]));
        Assert.Equal(-1, VectorOps.ArgMax([]));
    }

    [Fact]
    public void Add_MismatchedLengths_Throws() =>
        Assert.Throws<ArgumentException>(() => VectorOps.Add(new float[3], new float[2], new float[3]));
}
