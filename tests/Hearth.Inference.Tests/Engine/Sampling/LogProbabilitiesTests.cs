using Hearth.Inference.Engine.Sampling;

namespace Hearth.Inference.Tests.Engine.Sampling;

public sealed class LogProbabilitiesTests
{
    [Fact]
    public void LogSumExp_LargeLogits_IsStableAndExact()
    {
        float[] logits = [1000f, 1000f];
        Assert.Equal(1000f + MathF.Log(2f), LogProbabilities.LogSumExp(logits, new float[2]), 3);
    }

    [Fact]
    public void TopIds_ReturnsLargestFirst()
    {
        float[] logits = [0.1f, 3f, -1f, 2f, 3f, float.NaN];
        var ids = new int[3];
        Assert.Equal(3, LogProbabilities.TopIds(logits, ids));
        Assert.Equal([1, 4, 3], ids);
    }
}
