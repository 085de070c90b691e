using Hearth.Inference.Gguf;

namespace Hearth.Inference.Tests.Gguf;

/// <summary>Hand-built malformed files: each must fail with a <see cref="GgufFormatException"/> naming the field and offset.</summary>
public sealed class GgufHostileInputTests
{
    [Fact]
    public void Parse_BadMagic_NamesHeaderMagic()
    {
        var ex = InMemoryGguf.ParseFails(RawGguf.Header(0, 0, magic: 0x12345678).ToArray());
        Assert.Equal("header.magic", ex.Field);
        Assert.Equal(0, ex.Offset);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    [InlineData(0x03000000u)]
    public void Parse_UnsupportedVersion_NamesHeaderVersion(uint version)
    {
        var ex = InMemoryGguf.ParseFails(RawGguf.Header(0, 0, version).ToArray());
        Assert.Equal("header.version", ex.Field);
        Assert.Equal(4, ex.Offset);
        Assert.Contains("supported: 2, 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Version2_Accepted()
    {
        var bytes = RawGguf.Header(0, 1, version: 2).Key("a", GgufValueType.UInt32).U32(7).ToArray();
        Assert.Equal(7, InMemoryGguf.Parse(bytes, f => f.GetInteger("a")));
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 31)]
    [InlineData(1000UL)]
    public void Parse_CountsBeyondFile_RejectedBeforeAllocating(ulong count)
    {
        Assert.Equal("header.metadata_kv_count", InMemoryGguf.ParseFails(RawGguf.Header(0, count).Zeros(64).ToArray()).Field);
        Assert.Equal("header.tensor_count", InMemoryGguf.ParseFails(RawGguf.Header(count, 0).Zeros(64).ToArray()).Field);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    [InlineData((1UL << 31) - 1)]
    [InlineData(9UL)]
    public void Parse_StringLengthBeyondFile_NamesKeyField(ulong length)
    {
        var bytes = RawGguf.Header(0, 1).U64(length).Bytes("abcd"u8.ToArray()).Zeros(4).ToArray();
        var ex = InMemoryGguf.ParseFails(bytes);
        Assert.Equal("metadata[0].key", ex.Field);
        Assert.Equal(24, ex.Offset);
    }

    [Theory]
    [InlineData(GgufValueType.UInt8, ulong.MaxValue)]
    [InlineData(GgufValueType.Float64, 1UL << 61)]
    [InlineData(GgufValueType.String, 5UL)]
    [InlineData(GgufValueType.Array, 3UL)]
    public void Parse_ArrayCountBeyondFile_NamesCountField(GgufValueType elementType, ulong count)
    {
        var bytes = RawGguf.Header(0, 1).Key("x", GgufValueType.Array).U32((uint)elementType).U64(count).Zeros(30).ToArray();
        var ex = InMemoryGguf.ParseFails(bytes);
        Assert.Equal("metadata[\"x\"].count", ex.Field);
        Assert.Equal(24 + 8 + 1 + 4 + 4, ex.Offset);
    }

    [Fact]
    public void Parse_StringElementBeyondFile_NamesElementIndex()
    {
        var bytes = RawGguf.Header(0, 1).Key("tokenizer.ggml.tokens", GgufValueType.Array).U32((uint)GgufValueType.String).U64(3)
            .Str("a").Str("b").U64(1000).Zeros(8).ToArray();
        var ex = InMemoryGguf.ParseFails(bytes);
        Assert.Equal("metadata[\"tokenizer.ggml.tokens\"][2]", ex.Field);
    }

    [Fact]
    public void Parse_ArraysNestedTooDeep_Rejected()
    {
        var raw = RawGguf.Header(0, 1).Key("deep", GgufValueType.Array);
        for (var i = 0; i < 10; i++)
        {
            raw.U32((uint)GgufValueType.Array).U64(1);
        }
        raw.U32((uint)GgufValueType.UInt8).U64(0);
        var ex = InMemoryGguf.ParseFails(raw.ToArray());
        Assert.Contains("nested deeper", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("metadata[\"deep\"]", ex.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownValueType_NamesTypeField()
    {
        var ex = InMemoryGguf.ParseFails(RawGguf.Header(0, 1).Key("k", (GgufValueType)13).Zeros(8).ToArray());
        Assert.Equal("metadata[\"k\"].type", ex.Field);
    }

    [Fact]
    public void Parse_DuplicateKey_Rejected()
    {
        var bytes = RawGguf.Header(0, 2).Key("k", GgufValueType.UInt8).U8(1).Key("k", GgufValueType.UInt8).U8(2).ToArray();
        var ex = InMemoryGguf.ParseFails(bytes);
        Assert.Equal("metadata[\"k\"]", ex.Field);
        Assert.Contains("duplicate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidUtf8Key_Rejected()
    {
        var bytes = RawGguf.Header(0, 1).U64(2).Bytes([0xC3, 0x28]).U32((uint)GgufValueType.UInt8).U8(0).ToArray();
        Assert.Equal("metadata[0].key", InMemoryGguf.ParseFails(bytes).Field);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(3u)]
    [InlineData(1u << 30)]
    public void Parse_BadAlignment_Rejected(uint alignment)
    {
        var bytes = RawGguf.Header(0, 1).Key(GgufNames.Alignment, GgufValueType.UInt32).U32(alignment).ToArray();
        Assert.Equal("metadata[\"general.alignment\"]", InMemoryGguf.ParseFails(bytes).Field);
    }

    [Fact]
    public void Parse_ValidTensor_Loads()
    {
        var bytes = OneTensor(GgmlType.F32, 0, 4, 2);
        var tensor = InMemoryGguf.Parse(bytes, f => f.Tensors.Single());
        Assert.Equal(8, tensor.ElementCount);
        Assert.Equal(32, tensor.ByteSize);
    }

    [Fact]
    public void Parse_ZeroDimension_NamesDim()
    {
        var ex = InMemoryGguf.ParseFails(OneTensor(GgmlType.F32, 0, 4, 0));
        Assert.Equal("tensor[0].dims[1]", ex.Field);
        Assert.Equal(24 + 28 + 4 + 13 + 9 + 4 + 8, ex.Offset);
    }

    [Fact]
    public void Parse_TooManyDimensions_NamesNDims()
    {
        Assert.Equal("tensor[0].n_dims", InMemoryGguf.ParseFails(OneTensor(GgmlType.F32, 0, 1, 1, 1, 1, 1)).Field);
    }

    [Fact]
    public void Parse_ElementCountOverflow_Rejected()
    {
        var ex = InMemoryGguf.ParseFails(OneTensor(GgmlType.F32, 0, 1UL << 40, 1UL << 40));
        Assert.Equal("tensor[0].dims[1]", ex.Field);
        Assert.Contains("overflows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTensorType_ListsSupportedTypes()
    {
        var ex = InMemoryGguf.ParseFails(OneTensor((GgmlType)99, 0, 32));
        Assert.Equal("tensor[0].type", ex.Field);
        Assert.Contains("Q8_0 (8)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RowNotMultipleOfBlock_NamesDim0()
    {
        var ex = InMemoryGguf.ParseFails(OneTensor(GgmlType.Q4_K, 0, 100, 2));
        Assert.Equal("tensor[0].dims[0]", ex.Field);
    }

    [Fact]
    public void Parse_UnalignedOffset_NamesOffset()
    {
        Assert.Equal("tensor[0].offset", InMemoryGguf.ParseFails(OneTensor(GgmlType.F32, 4, 4)).Field);
    }

    [Fact]
    public void Parse_TensorPastEndOfFile_NamesOffset()
    {
        var ex = InMemoryGguf.ParseFails(OneTensor(GgmlType.F32, 0, 1 << 20));
        Assert.Equal("tensor[0].offset", ex.Field);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateOrOverlappingTensors_Rejected()
    {
        var dup = RawGguf.Header(2, 0).TensorInfo("t", GgmlType.F32, 0, 8).TensorInfo("t", GgmlType.F32, 32, 8).PadTo(32).Zeros(64).ToArray();
        Assert.Equal("tensor[1].name", InMemoryGguf.ParseFails(dup).Field);
        var overlap = RawGguf.Header(2, 0).TensorInfo("a", GgmlType.F32, 0, 16).TensorInfo("b", GgmlType.F32, 32, 8).PadTo(32).Zeros(128).ToArray();
        Assert.Contains("overlaps", InMemoryGguf.ParseFails(overlap).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedAnywhere_AlwaysFormatException()
    {
        var whole = OneTensor(GgmlType.F32, 0, 8, 2);
        var end = InMemoryGguf.Parse(whole, f => f.DataOffset + f.Tensors[0].ByteSize);
        for (var length = 0; length < end; length++)
        {
            var ex = InMemoryGguf.ParseFails(whole[..length]);
            Assert.InRange(ex.Offset, 0, whole.Length);
        }
    }

    private static byte[] OneTensor(GgmlType type, ulong offset, params ulong[] dims) =>
        RawGguf.Header(1, 1).Key("general.architecture", GgufValueType.String).Str("llama")
            .TensorInfo("t", type, offset, dims).PadTo(32).Zeros(256).ToArray();
}
