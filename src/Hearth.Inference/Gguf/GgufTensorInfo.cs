namespace Hearth.Inference.Gguf;

/// <summary>
/// One tensor's description. <paramref name="Dimensions"/> are in ggml order, fastest-varying first: a weight matrix is
/// <c>[cols, rows]</c>. <paramref name="RelativeOffset"/> is from the start of the data section.
/// </summary>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long RelativeOffset, long ByteSize)
{
    /// <summary>Product of the dimensions.</summary>
    public long ElementCount { get; } = Product(Dimensions);

    /// <summary>Number of rows: the product of every dimension but the first (1 for a vector).</summary>
    public long RowCount => Dimensions.Length == 0 ? 0 : ElementCount / Dimensions[0];

    /// <summary>Elements per row (<c>Dimensions[0]</c>).</summary>
    public long ColumnCount => Dimensions.Length == 0 ? 0 : Dimensions[0];

    private static long Product(long[] dims)
    {
        long n = 1;
        foreach (var d in dims)
        {
            n = checked(n * d);
        }
        return n;
    }
}

/// <summary>One metadata key/value pair, in file order. <see cref="Offset"/> is where the value starts in the file.</summary>
public sealed record GgufMetadataEntry(string Key, GgufValue Value)
{
    /// <summary>Absolute byte offset of the value (after the key and type id); 0 for entries built in memory.</summary>
    public long Offset { get; init; }
}
