using Hearth.Inference.Engine.Scheduling;

namespace Hearth.Inference.Tests.Engine.Scheduling;

public sealed class CpuSharesTests
{
    [Fact]
    public void Split_DecodesAndPromptChunk_ProportionalToTokens()
    {
        var shares = new double[3];
        CpuShares.Split(0.64, [1, 1, 62], shares);
        Assert.Equal(0.01, shares[0], 12);
        Assert.Equal(0.01, shares[1], 12);
        Assert.Equal(0.62, shares[2], 12);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.001)]
    public void Split_UnknownOrNegativeSeconds_GivesNaNShares(double seconds)
    {
        var shares = new double[2];
        CpuShares.Split(seconds, [1, 3], shares);
        Assert.All(shares, s => Assert.True(double.IsNaN(s)));
    }

    [Fact]
    public void Split_TooFewShareSlots_Throws()
    {
        Assert.Throws<ArgumentException>(() => CpuShares.Split(1, [1, 2], new double[1]));
    }
}
