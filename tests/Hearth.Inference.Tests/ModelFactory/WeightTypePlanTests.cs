using Hearth.Inference.Gguf;
using Hearth.Inference.ModelFactory;

namespace Hearth.Inference.Tests.ModelFactory;

public sealed class WeightTypePlanTests
{
    [Theory]
    [InlineData("blk.0.attn_q.weight", 2048, GgmlType.Q4_K)]
    [InlineData("blk.3.attn_v.weight", 2048, GgmlType.Q6_K)]
    [InlineData("blk.3.ffn_down.weight", 5632, GgmlType.Q6_K)]
    [InlineData("token_embd.weight", 2048, GgmlType.Q6_K)]
    [InlineData("output.weight", 2048, GgmlType.Q6_K)]
    [InlineData("blk.0.attn_q.weight", 576, GgmlType.Q8_0)]        // SmolLM2: 576 is not whole 256-blocks, is whole 32-blocks
    [InlineData("blk.0.ffn_down.weight", 172, GgmlType.F16)]       // stories260K: not even whole 32-blocks
    public void Choose_Q4KM_MixAndFallbacks(string name, long rowLength, GgmlType expected)
    {
        Assert.Equal(expected, WeightTypePlan.Choose(QuantizationTarget.Q4_K_M, name, [rowLength, 64], GgmlType.F32));
    }

    [Theory]
    [InlineData(QuantizationTarget.Q8_0, 64, GgmlType.Q8_0)]
    [InlineData(QuantizationTarget.Q4_0, 172, GgmlType.F16)]
    [InlineData(QuantizationTarget.Q6_K, 512, GgmlType.Q6_K)]
    [InlineData(QuantizationTarget.Q6_K, 96, GgmlType.Q8_0)]
    public void Choose_MatrixRowLength_PicksTypeThatFits(QuantizationTarget target, long rowLength, GgmlType expected)
    {
        Assert.Equal(expected, WeightTypePlan.Choose(target, "blk.0.ffn_up.weight", [rowLength, 3], GgmlType.F16));
    }

    [Fact]
    public void Choose_Vector_StaysF32()
    {
        Assert.Equal(GgmlType.F32, WeightTypePlan.Choose(QuantizationTarget.Q4_0, "blk.0.attn_norm.weight", [4096], GgmlType.F16));
    }

    [Theory]
    [InlineData("q8_0", QuantizationTarget.Q8_0)]
    [InlineData("Q4_K", QuantizationTarget.Q4_K_M)]
    [InlineData("q4_k_m", QuantizationTarget.Q4_K_M)]
    [InlineData("q6_k", QuantizationTarget.Q6_K)]
    public void Parse_KnownNames(string name, QuantizationTarget expected) => Assert.Equal(expected, WeightTypePlan.Parse(name));

    [Fact]
    public void Parse_UnknownName_ListsKnown()
    {
        var ex = Assert.Throws<ArgumentException>(() => WeightTypePlan.Parse("q3_k"));
        Assert.Contains("q4_k", ex.Message, StringComparison.Ordinal);
    }
}
