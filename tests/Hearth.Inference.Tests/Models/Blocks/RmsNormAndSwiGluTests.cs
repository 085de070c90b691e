using Hearth.Inference.Models.Blocks;

namespace Hearth.Inference.Tests.Models.Blocks;

public sealed class RmsNormAndSwiGluTests
{
    [Fact]
    public void RmsNorm_Apply_MatchesDefinition()
    {
        float[] x = [1f, -2f, 3f, 0.5f];
        float[] w = [0.5f, 1f, 2f, -1f];
        var y = new float[4];
        RmsNorm.Apply(x, w, 1e-5f, y);
        var rms = Math.Sqrt((x.Sum(v => (double)v * v) / 4) + 1e-5);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(x[i] / rms * w[i], y[i], 5);
        }
    }

    [Fact]
    public void SwiGlu_Apply_MatchesDefinition()
    {
        var random = new Random(8);
        var gate = Enumerable.Range(0, 300).Select(_ => (float)((random.NextDouble() * 10) - 5)).ToArray();
        var up = Enumerable.Range(0, 300).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var expected = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
        SwiGlu.Apply(gate, up);
        for (var i = 0; i < gate.Length; i++)
        {
            Assert.Equal(expected[i], gate[i], 4);
        }
    }
}
