using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

public class HalfBitsTests
{
    [Fact]
    public void ToSingle_EveryHalfBitPattern_MatchesSystemHalf()
    {
        for (int bits = 0; bits < 65536; bits++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
            float actual = HalfBits.ToSingle((ushort)bits);
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(actual), $"0x{bits:x4}");
            }
            else
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(actual));
            }
        }
    }

    [Theory]
    [InlineData(1.0f, (ushort)0x3f80)]
    [InlineData(-2.0f, (ushort)0xc000)]
    [InlineData(1.00390625f, (ushort)0x3f80)] // exactly half-way between 0x3f80 and 0x3f81: ties to even
    [InlineData(1.01171875f, (ushort)0x3f82)] // half-way between 0x3f81 and 0x3f82: ties to even
    [InlineData(float.PositiveInfinity, (ushort)0x7f80)]
    public void SingleToBFloat16_Values_RoundToNearestEven(float value, ushort expected) =>
        Assert.Equal(expected, HalfBits.SingleToBFloat16(value));

    [Fact]
    public void SingleToBFloat16_NaN_StaysQuietNaN() =>
        Assert.True(float.IsNaN(HalfBits.BFloat16ToSingle(HalfBits.SingleToBFloat16(float.NaN))));
}
