using System.Text;
using Hearth.Inference.Gguf;

namespace Hearth.Inference.Tests.Gguf;

/// <summary>Writes GGUF bytes field by field, so tests can build malformed files the writer refuses to produce.</summary>
internal sealed class RawGguf
{
    private readonly MemoryStream _stream = new();
    private readonly BinaryWriter _w;

    public RawGguf() => _w = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);

    public long Position => _stream.Position;

    public static RawGguf Header(ulong tensors, ulong keys, uint version = 3, uint magic = GgufParser.Magic) =>
        new RawGguf().U32(magic).U32(version).U64(tensors).U64(keys);

    public RawGguf U8(byte v) { _w.Write(v); return this; }
    public RawGguf U32(uint v) { _w.Write(v); return this; }
    public RawGguf U64(ulong v) { _w.Write(v); return this; }
    public RawGguf F32(float v) { _w.Write(v); return this; }
    public RawGguf Bytes(byte[] v) { _w.Write(v); return this; }

    public RawGguf Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return U64((ulong)bytes.Length).Bytes(bytes);
    }

    /// <summary>A key with a value type id (the value follows).</summary>
    public RawGguf Key(string key, GgufValueType type) => Str(key).U32((uint)type);

    public RawGguf TensorInfo(string name, GgmlType type, ulong offset, params ulong[] dims)
    {
        Str(name).U32((uint)dims.Length);
        foreach (var d in dims)
        {
            U64(d);
        }
        return U32((uint)type).U64(offset);
    }

    public RawGguf PadTo(int alignment)
    {
        while (_stream.Position % alignment != 0)
        {
            _w.Write((byte)0);
        }
        return this;
    }

    public RawGguf Zeros(int count) => Bytes(new byte[count]);

    public byte[] ToArray()
    {
        _w.Flush();
        return _stream.ToArray();
    }
}

/// <summary>Parses GGUF images held in managed arrays, through the same parser <see cref="GgufFile.Open"/> uses.</summary>
internal static unsafe class InMemoryGguf
{
    /// <summary>Parses <paramref name="bytes"/> and runs <paramref name="use"/> while the array is pinned.</summary>
    public static T Parse<T>(byte[] bytes, Func<GgufFile, T> use) => Parse(bytes, bytes.Length, use);

    /// <summary>Parses the first <paramref name="length"/> bytes of <paramref name="bytes"/>.</summary>
    public static T Parse<T>(byte[] bytes, int length, Func<GgufFile, T> use)
    {
        fixed (byte* p = bytes)
        {
            using var file = new GgufFile(p, length, "mem.gguf");
            return use(file);
        }
    }

    public static GgufFormatException ParseFails(byte[] bytes) =>
        Assert.Throws<GgufFormatException>(() => Parse(bytes, f => f.Metadata.Count));

    /// <summary>Reads every metadata value through the typed accessors and every tensor's span, as a consumer would.</summary>
    public static int TouchEverything(GgufFile file)
    {
        var checksum = 0;
        foreach (var entry in file.Metadata)
        {
            checksum += entry.Key.Length;
            checksum += TryAccess(() => file.GetString(entry.Key)?.Length ?? 0);
            checksum += TryAccess(() => (int)(file.GetInteger(entry.Key) ?? 0));
            checksum += TryAccess(() => (int)(file.GetSingle(entry.Key) ?? 0));
            checksum += TryAccess(() => file.GetBoolean(entry.Key) == true ? 1 : 0);
            checksum += TryAccess(() => file.GetStringArray(entry.Key)?.Length ?? 0);
            checksum += TryAccess(() => file.GetSingleArray(entry.Key)?.Length ?? 0);
            checksum += TryAccess(() => file.GetInt32Array(entry.Key)?.Length ?? 0);
        }
        foreach (var tensor in file.Tensors)
        {
            checksum += (int)tensor.ElementCount + tensor.Name.Length + (int)tensor.ByteSize;
            if (tensor.ByteSize <= int.MaxValue)
            {
                var bytes = file.GetTensorBytes(tensor);
                checksum += bytes.Length == 0 ? 0 : bytes[0] + bytes[^1];
            }
            Assert.Same(tensor, file.FindTensor(tensor.Name));
        }
        return checksum;
    }

    private static int TryAccess(Func<int> read)
    {
        try
        {
            return read();
        }
        catch (GgufFormatException)
        {
            return 1;
        }
    }
}
