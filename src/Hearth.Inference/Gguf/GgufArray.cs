namespace Hearth.Inference.Gguf;

/// <summary>
/// A metadata array. <see cref="Items"/> is a typed CLR array matching <see cref="ElementType"/>: <c>byte[]</c>, <c>sbyte[]</c>,
/// <c>ushort[]</c>, <c>short[]</c>, <c>uint[]</c>, <c>int[]</c>, <c>float[]</c>, <c>bool[]</c>, <c>string[]</c>,
/// <c>ulong[]</c>, <c>long[]</c>, <c>double[]</c>, or <c>GgufArray[]</c> for nested arrays. Treat it as read-only.
/// </summary>
public sealed class GgufArray
{
    public GgufArray(GgufValueType elementType, Array items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var expected = ClrElementType(elementType);
        if (items.GetType().GetElementType() != expected || items.Rank != 1)
        {
            throw new ArgumentException($"A GGUF array of {elementType} needs a {expected.Name}[], not {items.GetType().Name}.", nameof(items));
        }
        if (!expected.IsValueType)
        {
            foreach (var item in items)
            {
                if (item is null)
                {
                    throw new ArgumentException($"A GGUF array of {elementType} cannot hold null elements.", nameof(items));
                }
            }
        }
        ElementType = elementType;
        Items = items;
    }

    public GgufValueType ElementType { get; }

    public int Count => Items.Length;

    /// <summary>The typed elements (see the class remarks for the CLR type per element type).</summary>
    public Array Items { get; }

    /// <summary>Element <paramref name="index"/> as a <see cref="GgufValue"/>.</summary>
    public GgufValue this[int index] => new(ElementType, Items.GetValue(index)!);

    internal static Type ClrElementType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.Array => typeof(GgufArray),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a GGUF value type."),
    };

    public override string ToString() => $"[{ElementType} x {Count}]";
}
