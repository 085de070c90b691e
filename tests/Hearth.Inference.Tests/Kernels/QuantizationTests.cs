using System.Buffers.Binary;
using Hearth.Inference.Gguf;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Tests.Kernels;

public class QuantizationTests
{
    [Fact]
    public void QuantizeRow_Q8_0_ScaleIsAmaxOver127AndTiesRoundAwayFromZero()
    {
        var x = new float[32];
        x[0] = 127f;   // d = 1, so q = round-half-away(x)
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.5f;
        x[4] = -126.4f;
        var block = new byte[34];
        Quantization.QuantizeRow(GgmlType.Q8_0, x, block);
        Assert.Equal((ushort)0x3c00, BinaryPrimitives.ReadUInt16LittleEndian(block)); // fp16 1.0
        Assert.Equal(127, (sbyte)block[2]);
        Assert.Equal(3, (sbyte)block[3]);
        Assert.Equal(-3, (sbyte)block[4]);
        Assert.Equal(1, (sbyte)block[5]);
        Assert.Equal(-126, (sbyte)block[6]);
        Assert.Equal(0, (sbyte)block[7]);
    }

    [Fact]
    public void QuantizeRow_Q4_0_LargestMagnitudeSetsScaleAndNibblesInterleaveHalves()
    {
        var x = new float[32];
        x[0] = -8f;    // largest magnitude → d = −8 / −8 = 1
        x[16] = 3f;    // q = trunc(3 + 8.5) = 11, high nibble of byte 0
        x[1] = 7.9f;   // q = min(15, trunc(16.4)) = 15
        x[17] = 0.4f;  // q = trunc(8.9) = 8
        var block = new byte[18];
        Quantization.QuantizeRow(GgmlType.Q4_0, x, block);
        Assert.Equal((ushort)0x3c00, BinaryPrimitives.ReadUInt16LittleEndian(block));
        Assert.Equal(0xB0, block[2]);
        Assert.Equal(0x8F, block[3]);
        Assert.Equal(0x88, block[4]); // zeros → 8 in both nibbles
        var y = new float[32];
        Quantization.DequantizeRow(GgmlType.Q4_0, block, y);
        Assert.Equal(-8f, y[0]);
        Assert.Equal(3f, y[16]);
        Assert.Equal(7f, y[1]);
        Assert.Equal(0f, y[17]);
    }

    [Fact]
    public void DequantizeRow_Q4_KHandPackedBlock_UsesSixBitScalesAndMins()
    {
        // Scales and mins ≥ 16 for sub-blocks 4..7 exercise the split 4+2-bit encoding.
        int[] sc = [1, 2, 3, 63, 40, 41, 17, 33];
        int[] m = [5, 0, 7, 62, 36, 20, 63, 16];
        var block = new byte[144];
        BinaryPrimitives.WriteUInt16LittleEndian(block, 0x3c00);          // d = 1
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(2), 0x3800); // dmin = 0.5
        for (int j = 0; j < 4; j++)
        {
            block[4 + j] = (byte)(sc[j] | ((sc[j + 4] >> 4) << 6));
            block[4 + j + 4] = (byte)(m[j] | ((m[j + 4] >> 4) << 6));
            block[4 + j + 8] = (byte)((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
        }
        int Level(int e) => (e * 5 + 3) % 16;
        for (int c = 0; c < 4; c++)
        {
            for (int l = 0; l < 32; l++)
            {
                block[16 + 32 * c + l] = (byte)(Level(64 * c + l) | (Level(64 * c + 32 + l) << 4));
            }
        }
        var y = new float[256];
        Quantization.DequantizeRow(GgmlType.Q4_K, block, y);
        for (int e = 0; e < 256; e++)
        {
            Assert.Equal(sc[e / 32] * Level(e) - 0.5f * m[e / 32], y[e]);
        }
    }

    [Fact]
    public void DequantizeRow_Q6_KHandPackedBlock_PlacesLowAndHighBits()
    {
        var block = new byte[210];
        int Level(int e) => (e * 7 + 1) % 64;
        for (int e = 0; e < 256; e++)
        {
            int h = e / 128, r = e % 128, k = r / 32, l = r % 32;
            int qlIndex = 64 * h + l + 32 * (k & 1);
            block[qlIndex] |= (byte)(k < 2 ? Level(e) & 0xF : (Level(e) & 0xF) << 4);
            block[128 + 32 * h + l] |= (byte)((Level(e) >> 4) << (2 * k));
        }
        for (int g = 0; g < 16; g++)
        {
            block[192 + g] = (byte)(sbyte)(g - 8);
        }
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(208), 0x3400); // d = 0.25
        var y = new float[256];
        Quantization.DequantizeRow(GgmlType.Q6_K, block, y);
        for (int e = 0; e < 256; e++)
        {
            Assert.Equal(0.25f * (e / 16 - 8) * (Level(e) - 32), y[e]);
        }
    }

    [Fact]
    public void QuantizeRow_Q8_K_WritesFloatScaleAndSixteenSums()
    {
        var x = KernelTestSupport.RandomFloats(new Random(3), 512, 4f);
        var data = new byte[2 * 292];
        Quantization.QuantizeRow(GgmlType.Q8_K, x, data);
        for (int b = 0; b < 2; b++)
        {
            var blk = data.AsSpan(b * 292, 292);
            float d = BinaryPrimitives.ReadSingleLittleEndian(blk);
            float amax = x.AsSpan(b * 256, 256).ToArray().Max(MathF.Abs);
            Assert.Equal(amax / 127f, MathF.Abs(d), amax * 1e-6f);
            for (int g = 0; g < 16; g++)
            {
                int sum = 0;
                for (int i = 0; i < 16; i++)
                {
                    sbyte q = (sbyte)blk[4 + g * 16 + i];
                    Assert.True(MathF.Abs(q - x[b * 256 + g * 16 + i] / d) <= 0.5001f, $"block {b} element {g * 16 + i}");
                    sum += q;
                }
                Assert.Equal(sum, BinaryPrimitives.ReadInt16LittleEndian(blk[(260 + 2 * g)..]));
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, 1)]
    [InlineData(GgmlType.Q8_0, 7)]
    [InlineData(GgmlType.Q4_0, 1)]
    [InlineData(GgmlType.Q4_0, 9)]
    public void RoundTrip_BlocksOf32_ErrorWithinHalfStepPerBlock(GgmlType type, int blocks)
    {
        var x = KernelTestSupport.RandomFloats(new Random(11 + blocks), blocks * 32, 3f);
        var y = KernelTestSupport.DequantizeRows(type, KernelTestSupport.QuantizeRows(type, x, 1, x.Length), 1, x.Length);
        for (int b = 0; b < blocks; b++)
        {
            float amax = x.AsSpan(b * 32, 32).ToArray().Max(MathF.Abs);
            // Q8_0: |error| ≤ d/2 with d = amax/127, plus |q| ≤ 127 times the fp16 rounding of d (relative 2^-11).
            // Q4_0: d = amax/8 and the top level saturates at 7·d, so |error| ≤ d, plus 8 × d's fp16 rounding.
            float d = type == GgmlType.Q8_0 ? amax / 127 : amax / 8;
            float bound = type == GgmlType.Q8_0 ? d * (0.5f + 127f / 2048) : d * (1f + 8f / 2048);
            for (int i = b * 32; i < b * 32 + 32; i++)
            {
                Assert.True(MathF.Abs(x[i] - y[i]) <= bound * 1.0001f, $"{type} element {i}: {x[i]} → {y[i]} (bound {bound})");
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_K, 0.09)]
    [InlineData(GgmlType.Q6_K, 0.025)]
    public void RoundTrip_KQuants_RelativeRmsErrorIsSmall(GgmlType type, double maxRelativeRms)
    {
        // Bounds: a uniform quantizer with L levels over a group's range has RMS error ≈ range/(L·√12); for these
        // heavy-tailed rows that is ~6% of the RMS with 16 levels and ~1.5% with 64; the bound leaves margin for 6-bit scales.
        var x = KernelTestSupport.RandomFloats(new Random(5), 4 * 256, 2f);
        var y = KernelTestSupport.DequantizeRows(type, KernelTestSupport.QuantizeRows(type, x, 1, x.Length), 1, x.Length);
        double err = 0, energy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            err += (x[i] - y[i]) * (double)(x[i] - y[i]);
            energy += x[i] * (double)x[i];
        }
        double relative = Math.Sqrt(err / energy);
        Assert.True(relative < maxRelativeRms, $"{type}: relative RMS error {relative:F4}");
    }

    [Fact]
    public void RoundTrip_Q4_K_BeatsQ4_0OnSameData()
    {
        var x = KernelTestSupport.RandomFloats(new Random(8), 8 * 256, 1f);
        double Error(GgmlType t)
        {
            var y = KernelTestSupport.DequantizeRows(t, KernelTestSupport.QuantizeRows(t, x, 1, x.Length), 1, x.Length);
            return x.Zip(y, (a, b) => (a - b) * (double)(a - b)).Sum();
        }
        Assert.True(Error(GgmlType.Q4_K) < Error(GgmlType.Q4_0));
    }

    [Fact]
    public void RoundTrip_FloatTypes_MatchHalfAndBFloat16Rounding()
    {
        var x = KernelTestSupport.RandomFloats(new Random(2), 333, 100f);
        var f32 = KernelTestSupport.DequantizeRows(GgmlType.F32, KernelTestSupport.QuantizeRows(GgmlType.F32, x, 1, x.Length), 1, x.Length);
        var f16 = KernelTestSupport.DequantizeRows(GgmlType.F16, KernelTestSupport.QuantizeRows(GgmlType.F16, x, 1, x.Length), 1, x.Length);
        var bf16 = KernelTestSupport.DequantizeRows(GgmlType.BF16, KernelTestSupport.QuantizeRows(GgmlType.BF16, x, 1, x.Length), 1, x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i], f32[i]);
            Assert.Equal((float)(Half)x[i], f16[i]);
            Assert.True(MathF.Abs(x[i] - bf16[i]) <= MathF.Abs(x[i]) / 256, $"bf16 {x[i]} → {bf16[i]}");
        }
    }

    [Fact]
    public void QuantizeRow_PartialBlock_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Quantization.QuantizeRow(GgmlType.Q8_0, new float[33], new byte[68]));

    [Fact]
    public void QuantizeRow_DestinationTooSmall_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Quantization.QuantizeRow(GgmlType.Q4_K, new float[256], new byte[143]));

    [Fact]
    public void DequantizeRow_SourceTooSmall_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Quantization.DequantizeRow(GgmlType.Q6_K, new byte[209], new float[256]));

    [Fact]
    public void QuantizeRow_UnsupportedType_ThrowsNotSupportedNamingTheType()
    {
        var e = Assert.Throws<NotSupportedException>(() => Quantization.QuantizeRow(GgmlType.IQ2_XS, new float[256], new byte[1024]));
        Assert.Contains("IQ2_XS", e.Message, StringComparison.Ordinal);
    }
}
