using Hearth.Inference.Gguf;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Gguf;

public sealed class GgufWriterTests
{
    public static TheoryData<GgufValueType, object> Scalars() => new()
    {
        { GgufValueType.UInt8, (byte)250 },
        { GgufValueType.Int8, (sbyte)-7 },
        { GgufValueType.UInt16, (ushort)65000 },
        { GgufValueType.Int16, (short)-32000 },
        { GgufValueType.UInt32, 4_000_000_000u },
        { GgufValueType.Int32, -2_000_000_000 },
        { GgufValueType.Float32, 3.25f },
        { GgufValueType.Bool, true },
        { GgufValueType.String, "héllo ✓ 𝄞" },
        { GgufValueType.UInt64, ulong.MaxValue },
        { GgufValueType.Int64, long.MinValue },
        { GgufValueType.Float64, Math.PI },
    };

    [Theory]
    [MemberData(nameof(Scalars))]
    public void WriteTo_ScalarOfEachType_RoundTrips(GgufValueType type, object value)
    {
        var writer = new GgufWriter();
        writer.Add("k", new GgufValue(type, value));

        var read = RoundTrip(writer, f => f.Metadata.Single());

        Assert.Equal("k", read.Key);
        Assert.Equal(type, read.Value.Type);
        Assert.Equal(value, read.Value.Value);
    }

    [Fact]
    public void WriteTo_ArrayOfEachElementType_RoundTrips()
    {
        var arrays = new Array[]
        {
            new byte[] { 0, 255 }, new sbyte[] { -128, 127 }, new ushort[] { 1, 65535 }, new short[] { -1, 2 },
            new uint[] { 7, uint.MaxValue }, new int[] { int.MinValue, 5 }, new float[] { 1.5f, float.NegativeInfinity },
            new bool[] { true, false, true }, new string[] { "", "a", "日本" }, new ulong[] { 9 }, new long[] { -9 },
            new double[] { double.Epsilon }, Array.Empty<int>(),
        };
        var writer = new GgufWriter();
        var expectedTypes = new List<GgufValueType>();
        for (var i = 0; i < arrays.Length; i++)
        {
            var elementType = ElementTypeOf(arrays[i]);
            expectedTypes.Add(elementType);
            writer.Add($"a{i}", new GgufValue(GgufValueType.Array, new GgufArray(elementType, arrays[i])));
        }

        RoundTrip(writer, file =>
        {
            for (var i = 0; i < arrays.Length; i++)
            {
                Assert.True(file.TryGetValue($"a{i}", out var value));
                var array = value.AsArray!;
                Assert.Equal(expectedTypes[i], array.ElementType);
                Assert.Equal(arrays[i], array.Items);
            }
            return 0;
        });
    }

    [Fact]
    public void WriteTo_NestedArrays_RoundTrip()
    {
        var inner1 = new GgufArray(GgufValueType.Int32, new[] { 1, 2 });
        var inner2 = new GgufArray(GgufValueType.String, new[] { "x" });
        var writer = new GgufWriter();
        writer.Add("nested", new GgufValue(GgufValueType.Array, new GgufArray(GgufValueType.Array, new[] { inner1, inner2 })));

        var read = RoundTrip(writer, f => f.Metadata.Single().Value.AsArray!);

        Assert.Equal(GgufValueType.Array, read.ElementType);
        var items = (GgufArray[])read.Items;
        Assert.Equal(new[] { 1, 2 }, items[0].Items);
        Assert.Equal(new[] { "x" }, items[1].Items);
    }

    [Fact]
    public void WriteTo_TypedAccessorOverloads_ReadBack()
    {
        var writer = new GgufWriter();
        writer.Add("s", "text");
        writer.Add("u", 5u);
        writer.Add("f", 0.5f);
        writer.Add("b", false);
        writer.Add("ss", new[] { "a", "b" });
        writer.Add("fs", new[] { 1f, 2f });
        writer.Add("is", new[] { 3, 4 });

        RoundTrip(writer, f =>
        {
            Assert.Equal("text", f.GetString("s"));
            Assert.Equal(5, f.GetInteger("u"));
            Assert.Equal(0.5f, f.GetSingle("f"));
            Assert.False(f.GetBoolean("b"));
            Assert.Equal(["a", "b"], f.GetStringArray("ss")!);
            Assert.Equal([1f, 2f], f.GetSingleArray("fs")!);
            Assert.Equal([3, 4], f.GetInt32Array("is")!);
            Assert.Equal([3f, 4f], f.GetSingleArray("is")!);
            return 0;
        });
    }

    [Fact]
    public void GetInt32Array_UInt32ValuesAboveIntMax_ThrowsInsteadOfWrapping()
    {
        var writer = new GgufWriter();
        writer.Add("u", new GgufValue(GgufValueType.Array, new GgufArray(GgufValueType.UInt32, new uint[] { 1, 3_000_000_000 })));

        var ex = Assert.Throws<GgufFormatException>(() => RoundTrip(writer, f => f.GetInt32Array("u")));
        Assert.Equal("metadata[\"u\"][1]", ex.Field);
    }

    [Fact]
    public void WriteTo_TensorsInMemoryAndStreamed_AlignedAndByteIdentical()
    {
        using var dir = new TempDir();
        var path = dir.File("t.gguf");
        var writer = new GgufWriter { Alignment = 64 };
        writer.Add(GgufNames.Architecture, "llama");
        var a = Enumerable.Range(0, 3 * 4).Select(i => (byte)i).ToArray();   // 3 floats
        var q8 = Enumerable.Range(0, 34 * 2).Select(i => (byte)(i * 3)).ToArray();   // two Q8_0 blocks
        writer.AddTensor("a", GgmlType.F32, [3], a);
        writer.AddTensor("q", GgmlType.Q8_0, [32, 2], q8.Length, s => { s.Write(q8, 0, 10); s.Write(q8, 10, q8.Length - 10); });
        writer.AddTensor("h", GgmlType.F16, [2, 2, 1, 1], new byte[8]);
        writer.WriteTo(path);

        using var file = GgufFile.Open(path);
        Assert.Equal(64, file.Alignment);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(["a", "q", "h"], file.Tensors.Select(t => t.Name));
        Assert.All(file.Tensors, t => Assert.Equal(0, t.RelativeOffset % 64));
        Assert.Equal(a, file.GetTensorBytes(file.FindTensor("a")!).ToArray());
        Assert.Equal(q8, file.GetTensorBytes(file.FindTensor("q")!).ToArray());
        Assert.Equal([2L, 2L, 1L, 1L], file.FindTensor("h")!.Dimensions);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void WriteTo_StreamedTensorWritesTooFewBytes_ThrowsAndLeavesNoFile()
    {
        using var dir = new TempDir();
        var path = dir.File("t.gguf");
        var writer = new GgufWriter();
        writer.AddTensor("a", GgmlType.F32, [4], 16, s => s.Write(new byte[12]));

        Assert.Throws<InvalidOperationException>(() => writer.WriteTo(path));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AddTensor_WrongSizeOrBadShape_Throws()
    {
        var writer = new GgufWriter();
        Assert.Throws<ArgumentException>(() => writer.AddTensor("a", GgmlType.F32, [4], new byte[15]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("b", GgmlType.Q8_0, [31], new byte[34]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("c", GgmlType.F32, [1, 1, 1, 1, 1], new byte[4]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("d", GgmlType.F32, [0], Array.Empty<byte>()));
        writer.AddTensor("e", GgmlType.F32, [1], new byte[4]);
        Assert.Throws<ArgumentException>(() => writer.AddTensor("e", GgmlType.F32, [1], new byte[4]));
    }

    [Fact]
    public void Add_DuplicateKey_ThrowsButSetReplaces()
    {
        var writer = new GgufWriter();
        writer.Add("k", 1);
        Assert.Throws<ArgumentException>(() => writer.Add("k", 2));
        writer.Set("k", GgufValue.From("two"));

        Assert.Equal("two", RoundTrip(writer, f => f.GetString("k")));
    }

    [Fact]
    public void WriteTo_ExistingTarget_IsReplaced()
    {
        using var dir = new TempDir();
        var path = dir.File("t.gguf");
        File.WriteAllText(path, "old");
        var writer = new GgufWriter();
        writer.Add("k", "new");
        writer.WriteTo(path);

        using var file = GgufFile.Open(path);
        Assert.Equal("new", file.GetString("k"));
    }

    private static T RoundTrip<T>(GgufWriter writer, Func<GgufFile, T> read)
    {
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return InMemoryGguf.Parse(stream.ToArray(), read);
    }

    // By element type, not `is byte[]`: the CLR lets an sbyte[] pass as a byte[] (and uint[] as int[]).
    private static GgufValueType ElementTypeOf(Array a) => Type.GetTypeCode(a.GetType().GetElementType()) switch
    {
        TypeCode.Byte => GgufValueType.UInt8,
        TypeCode.SByte => GgufValueType.Int8,
        TypeCode.UInt16 => GgufValueType.UInt16,
        TypeCode.Int16 => GgufValueType.Int16,
        TypeCode.UInt32 => GgufValueType.UInt32,
        TypeCode.Int32 => GgufValueType.Int32,
        TypeCode.Single => GgufValueType.Float32,
        TypeCode.Boolean => GgufValueType.Bool,
        TypeCode.String => GgufValueType.String,
        TypeCode.UInt64 => GgufValueType.UInt64,
        TypeCode.Int64 => GgufValueType.Int64,
        TypeCode.Double => GgufValueType.Float64,
        _ => throw new ArgumentException("unexpected array type", nameof(a)),
    };
}
