using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>
/// A local write-ahead journal for <see cref="Options.LedgerDurability.Journal"/>: each entry is written with one
/// <c>pwrite</c> into the OS page cache before the request returns (no fsync), so it survives <c>kill -9</c> of the
/// node (not power loss) at a cost of microseconds. Segments (<c>ledger-journal-NNNNNNNN.bin</c>, ≤ 8 MiB) are deleted
/// once every entry in them is committed to the store; <see cref="RecoverAsync"/> appends what a crash left behind.
/// Record: magic <c>HJL1</c>, int32 length, payload (<see cref="EntryCodec"/>), FNV-1a 64 of the payload.
/// </summary>
public sealed class LedgerJournal : IDisposable
{
    /// <summary>Segment size after which a new segment starts.</summary>
    public const long SegmentBytes = 8L << 20;

    private const uint Magic = 0x314C4A48; // "HJL1"
    private const int MaxRecordBytes = 1 << 20;
    private readonly string _folder;
    private readonly object _gate = new();
    private Segment _current;
    private long _next;
    private bool _disposed;

    private LedgerJournal(string folder, long firstNumber)
    {
        _folder = folder;
        _next = firstNumber;
        _current = NewSegment();
    }

    /// <summary>Opens a journal in <paramref name="folder"/>, starting after any existing segments (recover those first).</summary>
    public static LedgerJournal Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        var last = SegmentFiles(folder).Select(f => f.Number).DefaultIfEmpty(0).Max();
        return new LedgerJournal(folder, last + 1);
    }

    /// <summary>Writes <paramref name="entry"/> to the journal; returns the segment to release after its commit.</summary>
    public Segment Append(LedgerEntry entry)
    {
        var payload = EntryCodec.Encode(entry);
        var record = new byte[8 + payload.Length + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), payload.Length);
        payload.CopyTo(record.AsSpan(8));
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8 + payload.Length), Fnv1a(payload));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current.Length > 0 && _current.Length + record.Length > SegmentBytes)
            {
                _current.Sealed = true;
                ReleaseIfDone(_current);
                _current = NewSegment();
            }
            RandomAccess.Write(_current.Handle, record, _current.Length);
            _current.Length += record.Length;
            _current.Pending++;
            return _current;
        }
    }

    /// <summary>Marks one entry of <paramref name="segment"/> as committed to the store.</summary>
    public void Committed(Segment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        lock (_gate)
        {
            segment.Pending--;
            ReleaseIfDone(segment);
        }
    }

    /// <summary>
    /// Appends to <paramref name="store"/> every journaled entry that is not already there (by entry id, in journal
    /// order), then deletes the segments. Call before <see cref="Open"/>. Returns the number of entries recovered.
    /// A torn or corrupt record ends its segment (it was never acknowledged).
    /// </summary>
    public static async Task<int> RecoverAsync(string folder, ILedgerStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var files = Directory.Exists(folder) ? SegmentFiles(folder).OrderBy(f => f.Number).ToList() : [];
        if (files.Count == 0)
        {
            return 0;
        }
        var entries = new List<LedgerEntry>();
        foreach (var (path, _) in files)
        {
            entries.AddRange(ReadSegment(path));
        }
        var recovered = 0;
        if (entries.Count > 0)
        {
            var from = entries.Min(e => e.Timestamp);
            var present = new HashSet<Guid>();
            long after = 0;
            while (true)
            {
                var page = await store.QueryAsync(new LedgerQuery { AfterSequence = after, From = from, Limit = 10_000 }, cancellationToken).ConfigureAwait(false);
                foreach (var e in page)
                {
                    present.Add(e.EntryId);
                }
                if (page.Count < 10_000)
                {
                    break;
                }
                after = page[^1].Sequence;
            }
            var missing = entries.Where(e => present.Add(e.EntryId)).ToList();
            foreach (var chunk in missing.Chunk(2048))
            {
                await store.AppendBatchAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
            recovered = missing.Count;
        }
        foreach (var (path, _) in files)
        {
            File.Delete(path);
        }
        return recovered;
    }

    /// <summary>Reads the valid records of one segment file.</summary>
    internal static List<LedgerEntry> ReadSegment(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var list = new List<LedgerEntry>();
        var o = 0;
        while (o + 8 <= bytes.Length)
        {
            var magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(o));
            var len = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(o + 4));
            if (magic != Magic || len <= 0 || len > MaxRecordBytes || o + 8 + len + 8 > bytes.Length)
            {
                break;
            }
            var payload = bytes.AsSpan(o + 8, len);
            if (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(o + 8 + len)) != Fnv1a(payload))
            {
                break;
            }
            try
            {
                list.Add(EntryCodec.Decode(payload));
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                break;
            }
            o += 8 + len + 8;
        }
        return list;
    }

    private static IEnumerable<(string Path, long Number)> SegmentFiles(string folder)
    {
        foreach (var f in Directory.EnumerateFiles(folder, "ledger-journal-*.bin"))
        {
            var name = Path.GetFileNameWithoutExtension(f)["ledger-journal-".Length..];
            if (long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                yield return (f, n);
            }
        }
    }

    private Segment NewSegment()
    {
        var path = Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"ledger-journal-{_next++:D8}.bin"));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        return new Segment(path, handle);
    }

    private static void ReleaseIfDone(Segment s)
    {
        if (s.Sealed && s.Pending == 0 && !s.Handle.IsClosed)
        {
            s.Handle.Dispose();
            File.Delete(s.Path);
        }
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        var h = 14695981039346656037UL;
        foreach (var b in data)
        {
            h = (h ^ b) * 1099511628211UL;
        }
        return h;
    }

    /// <summary>Closes the journal; the current segment is deleted when all its entries were committed.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _current.Sealed = true;
            if (_current.Pending == 0)
            {
                ReleaseIfDone(_current);
            }
            else
            {
                _current.Handle.Dispose();
            }
        }
    }

    /// <summary>One journal file and how many of its entries still await their commit.</summary>
    public sealed class Segment
    {
        internal Segment(string path, SafeFileHandle handle)
        {
            Path = path;
            Handle = handle;
        }

        public string Path { get; }
        internal SafeFileHandle Handle { get; }
        internal long Length { get; set; }
        internal int Pending { get; set; }
        internal bool Sealed { get; set; }
    }
}
