using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Hearth.Inference.Gguf;

/// <summary>
/// Builds a GGUF v3 file: metadata in insertion order, tensor infos, then the aligned data section. Tensor data is either
/// given in memory or streamed by a callback at write time, so files larger than memory can be produced.
/// </summary>
/// <remarks>Not thread-safe. <see cref="WriteTo(string)"/> writes a temporary file beside the target and renames it into place.</remarks>
public sealed class GgufWriter
{
    private readonly List<GgufMetadataEntry> _metadata = [];
    private readonly Dictionary<string, int> _metadataIndex = new(StringComparer.Ordinal);
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private int _alignment = GgufParser.DefaultAlignment;

    /// <summary>Tensor data alignment; written as <c>general.alignment</c> when it is not the default 32.</summary>
    public int Alignment
    {
        get => _alignment;
        set
        {
            if (value <= 0 || value > GgufParser.MaxAlignment || !BitOperations.IsPow2(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Alignment must be a power of two between 1 and {GgufParser.MaxAlignment}.");
            }
            _alignment = value;
        }
    }

    /// <summary>Metadata added so far, in order.</summary>
    public IReadOnlyList<GgufMetadataEntry> Metadata => _metadata;

    /// <summary>Number of tensors added so far.</summary>
    public int TensorCount => _tensors.Count;

    /// <summary>Adds a key; throws if it already exists. <c>general.alignment</c> sets <see cref="Alignment"/> instead.</summary>
    public void Add(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key == GgufNames.Alignment)
        {
            Alignment = value.TryGetInt64(out var a) && a is > 0 and <= int.MaxValue
                ? (int)a
                : throw new ArgumentException($"{GgufNames.Alignment} must be a positive integer.", nameof(value));
            return;
        }
        if (_metadataIndex.ContainsKey(key))
        {
            throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        }
        CheckWritable(value, key, depth: 0);
        _metadataIndex.Add(key, _metadata.Count);
        _metadata.Add(new GgufMetadataEntry(key, value));
    }

    /// <summary>Adds or replaces a key (keeping its position when it exists).</summary>
    public void Set(string key, GgufValue value)
    {
        if (_metadataIndex.TryGetValue(key, out var i))
        {
            CheckWritable(value, key, depth: 0);
            _metadata[i] = new GgufMetadataEntry(key, value);
            return;
        }
        Add(key, value);
    }

    public void Add(string key, string value) => Add(key, GgufValue.From(value));
    public void Add(string key, uint value) => Add(key, GgufValue.From(value));
    public void Add(string key, int value) => Add(key, GgufValue.From(value));
    public void Add(string key, float value) => Add(key, GgufValue.From(value));
    public void Add(string key, bool value) => Add(key, GgufValue.From(value));
    public void Add(string key, ulong value) => Add(key, GgufValue.From(value));
    public void Add(string key, long value) => Add(key, GgufValue.From(value));
    public void Add(string key, double value) => Add(key, GgufValue.From(value));
    public void Add(string key, string[] values) => Add(key, GgufValue.From(values));
    public void Add(string key, float[] values) => Add(key, GgufValue.From(values));
    public void Add(string key, int[] values) => Add(key, GgufValue.From(values));

    /// <summary>Adds a tensor whose bytes are in memory (already in <paramref name="type"/>'s block format).</summary>
    public void AddTensor(string name, GgmlType type, long[] dimensions, ReadOnlyMemory<byte> data)
    {
        var size = CheckTensor(name, type, dimensions);
        if (data.Length != size)
        {
            throw new ArgumentException($"Tensor '{name}' needs {size} bytes of {type} data, got {data.Length}.", nameof(data));
        }
        _tensorNames.Add(name);
        _tensors.Add(new PendingTensor(name, type, (long[])dimensions.Clone(), size, data, null));
    }

    /// <summary>
    /// Adds a tensor whose bytes <paramref name="writeData"/> writes to the given stream at <see cref="WriteTo(string)"/> time;
    /// it must write exactly <paramref name="byteSize"/> bytes.
    /// </summary>
    public void AddTensor(string name, GgmlType type, long[] dimensions, long byteSize, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        var size = CheckTensor(name, type, dimensions);
        if (byteSize != size)
        {
            throw new ArgumentException($"Tensor '{name}' of {type} {string.Join('x', dimensions)} is {size} bytes, not {byteSize}.", nameof(byteSize));
        }
        _tensorNames.Add(name);
        _tensors.Add(new PendingTensor(name, type, (long[])dimensions.Clone(), size, default, writeData));
    }

    /// <summary>Writes the file atomically: a temporary file in the same folder, flushed, then renamed over <paramref name="path"/>.</summary>
    public void WriteTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes the file to <paramref name="stream"/> (positioned at the file's start).</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var w = new GgufBinaryWriter(stream);
        var hasAlignmentKey = _alignment != GgufParser.DefaultAlignment;
        w.U32(GgufParser.Magic);
        w.U32(3);
        w.U64((ulong)_tensors.Count);
        w.U64((ulong)(_metadata.Count + (hasAlignmentKey ? 1 : 0)));
        if (hasAlignmentKey)
        {
            w.String(GgufNames.Alignment);
            w.U32((uint)GgufValueType.UInt32);
            w.U32((uint)_alignment);
        }
        foreach (var entry in _metadata)
        {
            w.String(entry.Key);
            w.U32((uint)entry.Value.Type);
            w.Value(entry.Value);
        }
        long offset = 0;
        var offsets = new long[_tensors.Count];
        for (var i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            offsets[i] = offset;
            w.String(t.Name);
            w.U32((uint)t.Dimensions.Length);
            foreach (var d in t.Dimensions)
            {
                w.U64((ulong)d);
            }
            w.U32((uint)t.Type);
            w.U64((ulong)offset);
            offset = AlignUp(offset + t.ByteSize, _alignment);
        }
        w.PadTo(_alignment);
        for (var i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            if (t.Writer is null)
            {
                w.Bytes(t.Data.Span);
            }
            else
            {
                w.Flush();
                var counting = new CountingWriteStream(stream, t.ByteSize, t.Name);
                t.Writer(counting);
                counting.EnsureComplete();
                w.Advance(t.ByteSize);
            }
            w.PadTo(_alignment);
        }
        w.Flush();
    }

    private long CheckTensor(string name, GgmlType type, long[] dimensions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (_tensorNames.Contains(name))
        {
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        }
        if (GgmlTypeInfo.BlockBytes(type) == 0)
        {
            throw new ArgumentException($"Tensor type {type} has no known block layout.", nameof(type));
        }
        if (dimensions.Length is 0 or > GgufParser.MaxDimensions || dimensions.Any(d => d <= 0))
        {
            throw new ArgumentException($"Tensor '{name}' needs 1 to {GgufParser.MaxDimensions} positive dimensions.", nameof(dimensions));
        }
        long elements = 1;
        foreach (var d in dimensions)
        {
            elements = checked(elements * d);
        }
        return checked(GgmlTypeInfo.RowBytes(type, dimensions[0]) * (elements / dimensions[0]));
    }

    private static void CheckWritable(GgufValue value, string key, int depth)
    {
        if (value.AsArray is not { } array)
        {
            return;
        }
        if (depth >= GgufParser.MaxArrayDepth)
        {
            throw new ArgumentException($"Metadata '{key}' nests arrays deeper than {GgufParser.MaxArrayDepth}.", nameof(value));
        }
        if (array.Items is GgufArray[] nested)
        {
            foreach (var inner in nested)
            {
                CheckWritable(new GgufValue(GgufValueType.Array, inner), key, depth + 1);
            }
        }
    }

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record PendingTensor(string Name, GgmlType Type, long[] Dimensions, long ByteSize, ReadOnlyMemory<byte> Data, Action<Stream>? Writer);

    /// <summary>Little-endian primitive writer that tracks the absolute position (for padding).</summary>
    private sealed class GgufBinaryWriter(Stream stream)
    {
        private readonly BinaryWriter _w = new(stream, Encoding.UTF8, leaveOpen: true);
        private long _position;

        public void U32(uint v) { _w.Write(v); _position += 4; }
        public void U64(ulong v) { _w.Write(v); _position += 8; }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            _w.Write(bytes);
            _position += bytes.Length;
        }

        public void String(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            U64((ulong)bytes.Length);
            Bytes(bytes);
        }

        public void Flush() => _w.Flush();

        public void Advance(long count) => _position += count;

        public void PadTo(int alignment)
        {
            var pad = (int)((alignment - _position % alignment) % alignment);
            if (pad > 0)
            {
                Span<byte> zeros = stackalloc byte[Math.Min(pad, 256)];
                zeros.Clear();
                while (pad > 0)
                {
                    var n = Math.Min(pad, zeros.Length);
                    Bytes(zeros[..n]);
                    pad -= n;
                }
            }
        }

        public void Value(GgufValue value) => Scalar(value.Type, value.Value);

        private void Scalar(GgufValueType type, object value)
        {
            switch (value)
            {
                case byte v: _w.Write(v); _position += 1; break;
                case sbyte v: _w.Write(v); _position += 1; break;
                case ushort v: _w.Write(v); _position += 2; break;
                case short v: _w.Write(v); _position += 2; break;
                case uint v: U32(v); break;
                case int v: _w.Write(v); _position += 4; break;
                case float v: _w.Write(v); _position += 4; break;
                case bool v: _w.Write(v ? (byte)1 : (byte)0); _position += 1; break;
                case string v: String(v); break;
                case ulong v: U64(v); break;
                case long v: _w.Write(v); _position += 8; break;
                case double v: _w.Write(v); _position += 8; break;
                case GgufArray a: Array(a); break;
                default: throw new ArgumentException($"Cannot write a {value.GetType().Name} as GGUF {type}.", nameof(value));
            }
        }

        private void Array(GgufArray array)
        {
            U32((uint)array.ElementType);
            U64((ulong)array.Count);
            var size = array.ElementType is GgufValueType.String or GgufValueType.Array or GgufValueType.Bool
                ? 0
                : GgufValueTypeInfo.MinimumEncodedBytes(array.ElementType);
            if (size > 0 && BitConverter.IsLittleEndian && (long)array.Count * size <= int.MaxValue)
            {
                // Fixed-size numbers: the array's memory is already the file's little-endian encoding.
                Bytes(MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(array.Items), array.Count * size));
                return;
            }
            foreach (var item in array.Items)
            {
                Scalar(array.ElementType, item!);
            }
        }
    }
}
