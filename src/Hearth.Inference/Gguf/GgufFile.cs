using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Hearth.Inference.Gguf;

/// <summary>
/// A GGUF v2/v3 file, memory-mapped read-only. Metadata and tensor infos are parsed (and validated) at open; tensor data
/// stays in the mapping and is reached through <see cref="GetTensorPointer"/> / <see cref="GetTensorBytes"/>, never
/// copied to the managed heap.
/// </summary>
/// <remarks>
/// Thread safety: after <see cref="Open"/> returns, every member is safe to call concurrently; <see cref="Dispose"/>
/// must not race with readers (pointers obtained earlier are invalid after it). A file truncated by another process
/// while mapped would fault on access; call <see cref="EnsureIntact"/> before compute (see docs/gguf.md for the race it leaves).
/// </remarks>
public sealed unsafe partial class GgufFile : IDisposable
{
    private readonly GgufLayout _layout;
    private readonly SafeFileHandle? _handle;
    private readonly MemoryMappedFile? _mapping;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly FileIdentity? _identityAtOpen;
    private byte* _base;
    private readonly long _length;
    private int _disposed;

    /// <summary>Parses a GGUF image already in memory (tests, fuzzing). The caller keeps <paramref name="data"/> alive and pinned.</summary>
    internal GgufFile(byte* data, long length, string? path = null)
    {
        _base = data;
        _length = length;
        FilePath = path ?? "(memory)";
        _layout = GgufParser.Parse(data, length, path);
    }

    private GgufFile(string path, SafeFileHandle handle, MemoryMappedFile mapping, MemoryMappedViewAccessor view, byte* data, long length, FileIdentity identity)
    {
        FilePath = path;
        _handle = handle;
        _mapping = mapping;
        _view = view;
        _base = data;
        _length = length;
        _identityAtOpen = identity;
        _layout = GgufParser.Parse(data, length, path);
    }

    /// <summary>Maps and parses <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="GgufFormatException">The file is not a valid GGUF v2/v3 file (names field and byte offset).</exception>
    public static GgufFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Model file '{full}' does not exist.", full);
        }
        var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        MemoryMappedFile? mapping = null;
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            var identity = FileIdentity.Of(handle);
            var length = RandomAccess.GetLength(handle);
            if (length < 8)
            {
                throw new GgufFormatException(full, "header.magic", 0, $"file is {length} bytes, too short to be GGUF.");
            }
            mapping = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            // Parse only what is mapped and still in the file, in case it shrank while we were opening it.
            length = Math.Min(Math.Min(length, RandomAccess.GetLength(handle)), (long)view.SafeMemoryMappedViewHandle.ByteLength - view.PointerOffset);
            return new GgufFile(full, handle, mapping, view, pointer + view.PointerOffset, length, identity);
        }
        catch
        {
            if (acquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            view?.Dispose();
            mapping?.Dispose();
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Absolute path of the file (or "(memory)").</summary>
    public string FilePath { get; }

    /// <summary>GGUF version: 2 or 3.</summary>
    public uint Version => _layout.Version;

    /// <summary>Tensor data alignment in bytes (<c>general.alignment</c>, default 32).</summary>
    public int Alignment => _layout.Alignment;

    /// <summary>Absolute offset of the tensor data section.</summary>
    public long DataOffset => _layout.DataOffset;

    /// <summary>Size of the file in bytes at open.</summary>
    public long FileBytes => _length;

    /// <summary>Metadata in file order.</summary>
    public IReadOnlyList<GgufMetadataEntry> Metadata => _layout.Metadata;

    /// <summary>Tensor infos in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors => _layout.Tensors;

    /// <summary>Absolute offset where each tensor info starts (its name length), for diagnostics and fuzzing.</summary>
    internal IReadOnlyList<long> TensorInfoOffsets => _layout.TensorInfoOffsets;

    /// <summary>The value for <paramref name="key"/>, if present.</summary>
    public bool TryGetValue(string key, out GgufValue value)
    {
        if (_layout.MetadataIndex.TryGetValue(key, out var i))
        {
            value = _layout.Metadata[i].Value;
            return true;
        }
        value = null!;
        return false;
    }

    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public GgufTensorInfo? FindTensor(string name) =>
        _layout.TensorIndex.TryGetValue(name, out var i) ? _layout.Tensors[i] : null;

    /// <summary>Pointer to the first byte of <paramref name="tensor"/>'s data inside the mapping; valid until <see cref="Dispose"/>.</summary>
    public byte* GetTensorPointer(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_layout.TensorIndex.TryGetValue(tensor.Name, out var i) || !ReferenceEquals(_layout.Tensors[i], tensor))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to '{FilePath}'.", nameof(tensor));
        }
        return _base + _layout.DataOffset + tensor.RelativeOffset;
    }

    /// <summary>The tensor's bytes as a span over the mapping (no copy). Tensors over 2 GiB must use <see cref="GetTensorPointer"/>.</summary>
    public ReadOnlySpan<byte> GetTensorBytes(GgufTensorInfo tensor)
    {
        var pointer = GetTensorPointer(tensor);
        if (tensor.ByteSize > int.MaxValue)
        {
            throw new InvalidOperationException($"Tensor '{tensor.Name}' is {tensor.ByteSize} bytes, too large for a span; use GetTensorPointer.");
        }
        return new ReadOnlySpan<byte>(pointer, (int)tensor.ByteSize);
    }

    /// <summary>
    /// Throws <see cref="ModelFileChangedException"/> if the file was truncated, rewritten or replaced since it was opened.
    /// Cheap (two <c>statx</c> calls); the engine calls it before each compute pass.
    /// </summary>
    public void EnsureIntact()
    {
        EnsureMappingIntact();
        if (_identityAtOpen is not { } atOpen)
        {
            return;
        }
        var named = FileIdentity.Of(FilePath);
        if (named is null)
        {
            throw new ModelFileChangedException(FilePath, "the file was deleted or renamed");
        }
        if (named.Value != atOpen)
        {
            throw new ModelFileChangedException(FilePath, "the path now names a different or modified file");
        }
    }

    /// <summary>
    /// Throws <see cref="ModelFileChangedException"/> if the mapped file itself was truncated or rewritten in place — what would
    /// fault or change weights under a running computation. Unlike <see cref="EnsureIntact"/> it does not mind a new file renamed
    /// over the path (the old one stays mapped and intact): see <see cref="IsReplacedOnDisk"/>. One <c>statx</c> call.
    /// </summary>
    public void EnsureMappingIntact()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_handle is null || _identityAtOpen is not { } atOpen)
        {
            return;
        }
        var mapped = FileIdentity.Of(_handle);
        if (mapped.Length < _length)
        {
            throw new ModelFileChangedException(FilePath, $"the mapped file shrank from {_length} to {mapped.Length} bytes");
        }
        if (mapped != atOpen)
        {
            throw new ModelFileChangedException(FilePath, "the mapped file was rewritten in place");
        }
    }

    /// <summary>True when <see cref="FilePath"/> no longer names the mapped file (renamed over, deleted or moved away). One <c>statx</c> call.</summary>
    public bool IsReplacedOnDisk =>
        _handle is not null && _identityAtOpen is { } atOpen && FileIdentity.Of(FilePath) != atOpen;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _mapping?.Dispose();
        _handle?.Dispose();
        _base = null;
    }
}
