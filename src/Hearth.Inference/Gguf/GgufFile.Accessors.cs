namespace Hearth.Inference.Gguf;

/// <summary>Typed metadata accessors: null when the key is absent, <see cref="GgufFormatException"/> when its type is wrong.</summary>
public sealed partial class GgufFile
{
    /// <summary>A String value.</summary>
    public string? GetString(string key)
    {
        if (!TryGetEntry(key, out var entry))
        {
            return null;
        }
        return entry.Value.Value as string ?? throw WrongType(entry, "a string");
    }

    /// <summary>Any integer type (UInt64 values above <see cref="long.MaxValue"/> are an error).</summary>
    public long? GetInteger(string key)
    {
        if (!TryGetEntry(key, out var entry))
        {
            return null;
        }
        return entry.Value.TryGetInt64(out var v) ? v : throw WrongType(entry, "an integer that fits in 64 signed bits");
    }

    /// <summary>Float32, Float64 (narrowed) or an integer.</summary>
    public float? GetSingle(string key)
    {
        if (!TryGetEntry(key, out var entry))
        {
            return null;
        }
        return entry.Value.TryGetDouble(out var v) ? (float)v : throw WrongType(entry, "a number");
    }

    /// <summary>A Bool value.</summary>
    public bool? GetBoolean(string key)
    {
        if (!TryGetEntry(key, out var entry))
        {
            return null;
        }
        return entry.Value.Value is bool b ? b : throw WrongType(entry, "a bool");
    }

    /// <summary>An array of strings (a fresh copy).</summary>
    public string[]? GetStringArray(string key)
    {
        if (!TryGetEntry(key, out var entry))
        {
            return null;
        }
        return entry.Value.AsArray is { Items: string[] items } ? (string[])items.Clone() : throw WrongType(entry, "an array of strings");
    }

    /// <summary>An array of Float32 (or Float64/integers, converted); a fresh copy.</summary>
    public float[]? GetSingleArray(string key)
    {
        if (!TryGetEntry(key, out var entry))
        {
            return null;
        }
        var array = entry.Value.AsArray ?? throw WrongType(entry, "an array of numbers");
        switch (array.Items)
        {
            case float[] f:
                return (float[])f.Clone();
            case double[] d:
                return Array.ConvertAll(d, x => (float)x);
            default:
                if (!GgufValueTypeInfo.IsInteger(array.ElementType))
                {
                    throw WrongType(entry, "an array of numbers");
                }
                var result = new float[array.Count];
                for (var i = 0; i < result.Length; i++)
                {
                    array[i].TryGetDouble(out var v);
                    result[i] = (float)v;
                }
                return result;
        }
    }

    /// <summary>An array of any integer element type, each value checked to fit in <see cref="int"/>; a fresh copy.</summary>
    public int[]? GetInt32Array(string key)
    {
        if (!TryGetEntry(key, out var entry))
        {
            return null;
        }
        var array = entry.Value.AsArray;
        if (array is null || !GgufValueTypeInfo.IsInteger(array.ElementType))
        {
            throw WrongType(entry, "an array of integers");
        }
        if (array.ElementType == GgufValueType.Int32 && array.Items is int[] ints)
        {
            return (int[])ints.Clone();
        }
        var result = new int[array.Count];
        for (var i = 0; i < result.Length; i++)
        {
            if (!array[i].TryGetInt64(out var v) || v < int.MinValue || v > int.MaxValue)
            {
                throw new GgufFormatException(FilePath, $"metadata[\"{GgufParser.Printable(entry.Key)}\"][{i}]", entry.Offset,
                    $"value {array[i]} does not fit in a 32-bit integer.");
            }
            result[i] = (int)v;
        }
        return result;
    }

    private bool TryGetEntry(string key, out GgufMetadataEntry entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_layout.MetadataIndex.TryGetValue(key, out var i))
        {
            entry = _layout.Metadata[i];
            return true;
        }
        entry = null!;
        return false;
    }

    private GgufFormatException WrongType(GgufMetadataEntry entry, string expected)
    {
        var found = entry.Value.AsArray is { } a ? $"an array of {a.ElementType}" : entry.Value.Type.ToString();
        return new GgufFormatException(FilePath, $"metadata[\"{GgufParser.Printable(entry.Key)}\"]", entry.Offset, $"expected {expected}, found {found}.");
    }
}
