using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Hearth.Inference.Gguf;

/// <summary>The parsed header of a GGUF file: everything but the tensor data.</summary>
internal sealed record GgufLayout(
    uint Version,
    int Alignment,
    long DataOffset,
    IReadOnlyList<GgufMetadataEntry> Metadata,
    IReadOnlyList<GgufTensorInfo> Tensors,
    IReadOnlyList<long> TensorInfoOffsets,
    Dictionary<string, int> MetadataIndex,
    Dictionary<string, int> TensorIndex);

/// <summary>
/// Parses a GGUF v2/v3 header from raw memory. Every count and length is checked against the bytes that remain before
/// anything is allocated, so a hostile file can neither read outside the buffer nor make us allocate more than it holds.
/// </summary>
internal sealed unsafe class GgufParser
{
    /// <summary>GGUF magic "GGUF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>Default tensor data alignment when <c>general.alignment</c> is absent.</summary>
    public const int DefaultAlignment = 32;

    /// <summary>Largest accepted <c>general.alignment</c> (1 MiB); real files use 32.</summary>
    public const int MaxAlignment = 1 << 20;

    /// <summary>Arrays may nest this deep (an array of arrays is depth 2). Bounds recursion on hostile input.</summary>
    public const int MaxArrayDepth = 4;

    /// <summary>Most dimensions a ggml tensor has.</summary>
    public const int MaxDimensions = 4;

    // Smallest encodings, used to bound counts before allocating: a key/value is key length (8) + type (4) + a 1-byte
    // value; a tensor info is name length (8) + n_dims (4) + one dim (8) + type (4) + offset (8).
    private const int MinMetadataEntryBytes = 8 + 4 + 1;
    private const int MinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte* _data;
    private readonly long _length;
    private readonly string? _path;
    private long _pos;

    private GgufParser(byte* data, long length, string? path)
    {
        _data = data;
        _length = length;
        _path = path;
    }

    private long Remaining => _length - _pos;

    public static GgufLayout Parse(byte* data, long length, string? path)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new GgufParser(data, length, path).ParseAll();
    }

    private GgufLayout ParseAll()
    {
        var magic = ReadUInt32("header.magic");
        if (magic != Magic)
        {
            throw Error("header.magic", 0, $"not a GGUF file (magic 0x{magic:X8}, expected the bytes 'GGUF').");
        }
        var versionOffset = _pos;
        var version = ReadUInt32("header.version");
        if (version is not (2 or 3))
        {
            var hint = version == 1 ? " GGUF v1 (32-bit counts) is obsolete; re-convert the model."
                : BinaryPrimitives.ReverseEndianness(version) is 2 or 3 ? " This looks like a big-endian GGUF, which is not supported." : string.Empty;
            throw Error("header.version", versionOffset, $"unsupported GGUF version {version}; supported: 2, 3.{hint}");
        }

        var tensorCountOffset = _pos;
        var tensorCount = ReadUInt64("header.tensor_count");
        var metadataCountOffset = _pos;
        var metadataCount = ReadUInt64("header.metadata_kv_count");
        if (metadataCount > (ulong)(Remaining / MinMetadataEntryBytes))
        {
            throw Error("header.metadata_kv_count", metadataCountOffset,
                $"claims {metadataCount} entries but the {Remaining} remaining bytes hold at most {Remaining / MinMetadataEntryBytes}.");
        }
        if (tensorCount > (ulong)(Remaining / MinTensorInfoBytes))
        {
            throw Error("header.tensor_count", tensorCountOffset,
                $"claims {tensorCount} tensors but the {Remaining} remaining bytes hold at most {Remaining / MinTensorInfoBytes}.");
        }

        var metadata = new List<GgufMetadataEntry>((int)metadataCount);
        var metadataIndex = new Dictionary<string, int>((int)metadataCount, StringComparer.Ordinal);
        for (var i = 0; i < (int)metadataCount; i++)
        {
            var keyOffset = _pos;
            var key = ReadString($"metadata[{i}].key", strict: true);
            var field = MetadataField(key);
            if (metadataIndex.ContainsKey(key))
            {
                throw Error(field, keyOffset, $"duplicate metadata key (entry {i}).");
            }
            var typeOffset = _pos;
            var type = (GgufValueType)ReadUInt32(field + ".type");
            if (!GgufValueTypeInfo.IsDefined(type))
            {
                throw Error(field + ".type", typeOffset, $"unknown value type id {(uint)type}; known: 0..12.");
            }
            var valueOffset = _pos;
            var value = ReadValue(type, field, depth: 0);
            metadataIndex.Add(key, i);
            metadata.Add(new GgufMetadataEntry(key, value) { Offset = valueOffset });
        }

        var alignment = ReadAlignment(metadata, metadataIndex);

        var tensors = new List<GgufTensorInfo>((int)tensorCount);
        var tensorOffsets = new List<long>((int)tensorCount);
        var tensorFieldOffsets = new List<long>((int)tensorCount);
        var tensorIndex = new Dictionary<string, int>((int)tensorCount, StringComparer.Ordinal);
        for (var i = 0; i < (int)tensorCount; i++)
        {
            var infoOffset = _pos;
            var tensor = ReadTensorInfo(i, alignment, tensorIndex, out var offsetFieldOffset);
            tensorIndex.Add(tensor.Name, i);
            tensors.Add(tensor);
            tensorOffsets.Add(infoOffset);
            tensorFieldOffsets.Add(offsetFieldOffset);
        }

        // The data section starts at the next multiple of the alignment after the tensor infos.
        var dataOffset = AlignUp(_pos, alignment);
        if (tensors.Count > 0)
        {
            CheckTensorPlacement(tensors, tensorFieldOffsets, dataOffset);
        }

        return new GgufLayout(version, alignment, dataOffset, metadata, tensors, tensorOffsets, metadataIndex, tensorIndex);
    }

    private int ReadAlignment(List<GgufMetadataEntry> metadata, Dictionary<string, int> index)
    {
        if (!index.TryGetValue(GgufNames.Alignment, out var at))
        {
            return DefaultAlignment;
        }
        var entry = metadata[at];
        var field = MetadataField(GgufNames.Alignment);
        if (!entry.Value.TryGetInt64(out var alignment))
        {
            throw Error(field, entry.Offset, $"must be an integer (uint32), found {entry.Value.Type}.");
        }
        if (alignment <= 0 || alignment > MaxAlignment || !BitOperations.IsPow2(alignment))
        {
            throw Error(field, entry.Offset, $"alignment {alignment} must be a power of two between 1 and {MaxAlignment}.");
        }
        return (int)alignment;
    }

    private GgufTensorInfo ReadTensorInfo(int i, int alignment, Dictionary<string, int> tensorIndex, out long offsetFieldOffset)
    {
        var nameOffset = _pos;
        var name = ReadString($"tensor[{i}].name", strict: true);
        if (name.Length == 0)
        {
            throw Error($"tensor[{i}].name", nameOffset, "tensor name is empty.");
        }
        if (tensorIndex.ContainsKey(name))
        {
            throw Error($"tensor[{i}].name", nameOffset, $"duplicate tensor name '{Printable(name)}' (first at tensor[{tensorIndex[name]}]).");
        }
        var nDimsOffset = _pos;
        var nDims = ReadUInt32($"tensor[{i}].n_dims");
        if (nDims is 0 or > MaxDimensions)
        {
            throw Error($"tensor[{i}].n_dims", nDimsOffset, $"tensor '{Printable(name)}' has {nDims} dimensions; 1 to {MaxDimensions} are allowed.");
        }
        var dims = new long[nDims];
        long elements = 1;
        for (var d = 0; d < nDims; d++)
        {
            var dimOffset = _pos;
            var dim = ReadUInt64($"tensor[{i}].dims[{d}]");
            if (dim == 0 || dim > long.MaxValue)
            {
                throw Error($"tensor[{i}].dims[{d}]", dimOffset, $"dimension {dim} of tensor '{Printable(name)}' must be between 1 and {long.MaxValue}.");
            }
            dims[d] = (long)dim;
            if (elements > long.MaxValue / dims[d])
            {
                throw Error($"tensor[{i}].dims[{d}]", dimOffset, $"element count of tensor '{Printable(name)}' overflows 64 bits.");
            }
            elements *= dims[d];
        }
        var typeOffset = _pos;
        var typeId = ReadUInt32($"tensor[{i}].type");
        var type = (GgmlType)typeId;
        if (!Enum.IsDefined(type) || GgmlTypeInfo.BlockBytes(type) == 0)
        {
            throw Error($"tensor[{i}].type", typeOffset,
                $"tensor '{Printable(name)}' has unknown or unsupported ggml type id {typeId}; supported by this reader: {string.Join(", ", KnownTypes())}.");
        }
        var blockSize = GgmlTypeInfo.BlockSize(type);
        if (dims[0] % blockSize != 0)
        {
            throw Error($"tensor[{i}].dims[0]", typeOffset,
                $"tensor '{Printable(name)}' row length {dims[0]} is not a multiple of the {type} block size {blockSize}.");
        }
        var rowBytes = dims[0] / blockSize * GgmlTypeInfo.BlockBytes(type);
        var rows = elements / dims[0];
        if (rows != 0 && rowBytes > long.MaxValue / rows)
        {
            throw Error($"tensor[{i}].dims", nDimsOffset, $"byte size of tensor '{Printable(name)}' overflows 64 bits.");
        }
        offsetFieldOffset = _pos;
        var offset = ReadUInt64($"tensor[{i}].offset");
        if (offset > long.MaxValue || offset % (ulong)alignment != 0)
        {
            throw Error($"tensor[{i}].offset", offsetFieldOffset,
                $"data offset {offset} of tensor '{Printable(name)}' is not a multiple of the alignment {alignment}.");
        }
        return new GgufTensorInfo(name, dims, type, (long)offset, rowBytes * rows);
    }

    private void CheckTensorPlacement(List<GgufTensorInfo> tensors, List<long> offsetFields, long dataOffset)
    {
        if (dataOffset > _length)
        {
            throw Error("data", _pos, $"the data section would start at byte {dataOffset}, past the end of the {_length}-byte file.");
        }
        var dataBytes = _length - dataOffset;
        for (var i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (t.RelativeOffset > dataBytes || t.ByteSize > dataBytes - t.RelativeOffset)
            {
                throw Error($"tensor[{i}].offset", offsetFields[i],
                    $"tensor '{Printable(t.Name)}' ({t.ByteSize} bytes at data offset {t.RelativeOffset}) extends past the end of the file " +
                    $"(data section holds {dataBytes} bytes; the file may be truncated).");
            }
        }
        var order = Enumerable.Range(0, tensors.Count).OrderBy(i => tensors[i].RelativeOffset).ToArray();
        for (var k = 1; k < order.Length; k++)
        {
            var prev = tensors[order[k - 1]];
            var cur = tensors[order[k]];
            if (cur.RelativeOffset < prev.RelativeOffset + prev.ByteSize)
            {
                throw Error($"tensor[{order[k]}].offset", offsetFields[order[k]],
                    $"tensor '{Printable(cur.Name)}' overlaps tensor '{Printable(prev.Name)}'.");
            }
        }
    }

    private GgufValue ReadValue(GgufValueType type, string field, int depth) => type switch
    {
        GgufValueType.UInt8 => new GgufValue(type, ReadByte(field)),
        GgufValueType.Int8 => new GgufValue(type, (sbyte)ReadByte(field)),
        GgufValueType.UInt16 => new GgufValue(type, BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field))),
        GgufValueType.Int16 => new GgufValue(type, BinaryPrimitives.ReadInt16LittleEndian(Take(2, field))),
        GgufValueType.UInt32 => new GgufValue(type, ReadUInt32(field)),
        GgufValueType.Int32 => new GgufValue(type, BinaryPrimitives.ReadInt32LittleEndian(Take(4, field))),
        GgufValueType.Float32 => new GgufValue(type, BinaryPrimitives.ReadSingleLittleEndian(Take(4, field))),
        GgufValueType.Bool => new GgufValue(type, ReadBool(field)),
        GgufValueType.String => new GgufValue(type, ReadString(field, strict: false)),
        GgufValueType.Array => new GgufValue(type, ReadArray(field, depth + 1)),
        GgufValueType.UInt64 => new GgufValue(type, ReadUInt64(field)),
        GgufValueType.Int64 => new GgufValue(type, BinaryPrimitives.ReadInt64LittleEndian(Take(8, field))),
        GgufValueType.Float64 => new GgufValue(type, BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field))),
        _ => throw Error(field, _pos, $"unknown value type id {(uint)type}."),
    };

    private GgufArray ReadArray(string field, int depth)
    {
        var start = _pos;
        if (depth > MaxArrayDepth)
        {
            throw Error(field, start, $"arrays nested deeper than {MaxArrayDepth} levels.");
        }
        var typeOffset = _pos;
        var elementType = (GgufValueType)ReadUInt32(field + ".type");
        if (!GgufValueTypeInfo.IsDefined(elementType))
        {
            throw Error(field + ".type", typeOffset, $"unknown array element type id {(uint)elementType}; known: 0..12.");
        }
        var countOffset = _pos;
        var count = ReadUInt64(field + ".count");
        var minBytes = GgufValueTypeInfo.MinimumEncodedBytes(elementType);
        if (count > (ulong)(Remaining / minBytes) || count > (ulong)Array.MaxLength)
        {
            throw Error(field + ".count", countOffset,
                $"array claims {count} {elementType} elements (at least {minBytes} bytes each) but only {Remaining} bytes remain.");
        }
        var n = (int)count;
        return elementType switch
        {
            GgufValueType.UInt8 => new GgufArray(elementType, ReadBlock<byte>(n, field)),
            GgufValueType.Int8 => new GgufArray(elementType, ReadBlock<sbyte>(n, field)),
            GgufValueType.UInt16 => new GgufArray(elementType, ReadBlock<ushort>(n, field)),
            GgufValueType.Int16 => new GgufArray(elementType, ReadBlock<short>(n, field)),
            GgufValueType.UInt32 => new GgufArray(elementType, ReadBlock<uint>(n, field)),
            GgufValueType.Int32 => new GgufArray(elementType, ReadBlock<int>(n, field)),
            GgufValueType.Float32 => new GgufArray(elementType, ReadBlock<float>(n, field)),
            GgufValueType.UInt64 => new GgufArray(elementType, ReadBlock<ulong>(n, field)),
            GgufValueType.Int64 => new GgufArray(elementType, ReadBlock<long>(n, field)),
            GgufValueType.Float64 => new GgufArray(elementType, ReadBlock<double>(n, field)),
            GgufValueType.Bool => new GgufArray(elementType, ReadBools(n, field)),
            GgufValueType.String => new GgufArray(elementType, ReadStrings(n, field)),
            GgufValueType.Array => new GgufArray(elementType, ReadNested(n, field, depth)),
            _ => throw Error(field + ".type", typeOffset, $"unknown array element type id {(uint)elementType}."),
        };
    }

    private T[] ReadBlock<T>(int count, string field)
        where T : unmanaged
    {
        // Counts were bounded by the remaining bytes above, so count * sizeof(T) fits in the file.
        var bytes = Take((long)count * sizeof(T), field);
        var result = new T[count];
        bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Hearth reads GGUF on little-endian machines only.");
        }
        return result;
    }

    private bool[] ReadBools(int count, string field)
    {
        var bytes = Take(count, field);
        var result = new bool[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = bytes[i] != 0;
        }
        return result;
    }

    private string[] ReadStrings(int count, string field)
    {
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = ReadString(field, strict: false, index: i);
        }
        return result;
    }

    private GgufArray[] ReadNested(int count, string field, int depth)
    {
        var result = new GgufArray[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = ReadArray($"{field}[{i}]", depth + 1);
        }
        return result;
    }

    /// <summary>
    /// Reads a length-prefixed UTF-8 string. Keys and tensor names must be valid UTF-8 (<paramref name="strict"/>);
    /// values decode leniently (invalid sequences become U+FFFD) because some real vocabularies hold partial UTF-8 pieces.
    /// </summary>
    private string ReadString(string field, bool strict, int index = -1)
    {
        var start = _pos;
        if (Remaining < 8)
        {
            throw Error(Indexed(field, index), start, $"string length needs 8 bytes but only {Remaining} remain (truncated file).");
        }
        var length = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_data + _pos, 8));
        if (length > (ulong)(Remaining - 8) || length > int.MaxValue)
        {
            throw Error(Indexed(field, index), start, $"string claims {length} bytes but only {Remaining - 8} remain.");
        }
        _pos += 8;
        var bytes = new ReadOnlySpan<byte>(_data + _pos, (int)length);
        _pos += (long)length;
        if (!strict)
        {
            return Encoding.UTF8.GetString(bytes);
        }
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw Error(Indexed(field, index), start, "string is not valid UTF-8.", ex);
        }
    }

    private byte ReadByte(string field) => Take(1, field)[0];

    private bool ReadBool(string field) => Take(1, field)[0] != 0;

    private uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    private ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    private ReadOnlySpan<byte> Take(long count, string field)
    {
        if (count > Remaining || count > int.MaxValue)
        {
            throw Error(field, _pos, $"needs {count} bytes but only {Remaining} remain (truncated file).");
        }
        var span = new ReadOnlySpan<byte>(_data + _pos, (int)count);
        _pos += count;
        return span;
    }

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static string Indexed(string field, int index) => index < 0 ? field : $"{field}[{index}]";

    private static string MetadataField(string key) => $"metadata[\"{Printable(key)}\"]";

    /// <summary>Keeps hostile names readable in messages: at most 80 characters, control characters escaped.</summary>
    internal static string Printable(string s)
    {
        var sb = new StringBuilder(Math.Min(s.Length, 80) + 8);
        foreach (var c in s.Length > 80 ? s[..80] : s)
        {
            if (char.IsControl(c) || c == '"')
            {
                sb.Append($"\\u{(int)c:X4}");
            }
            else
            {
                sb.Append(c);
            }
        }
        if (s.Length > 80)
        {
            sb.Append("...");
        }
        return sb.ToString();
    }

    private static IEnumerable<string> KnownTypes() =>
        Enum.GetValues<GgmlType>().Where(t => GgmlTypeInfo.BlockBytes(t) != 0).Select(t => $"{t} ({(uint)t})");

    private GgufFormatException Error(string field, long offset, string reason, Exception? inner = null) =>
        new(_path, field, offset, reason, inner);
}
