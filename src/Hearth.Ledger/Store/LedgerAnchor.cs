using System.Text;
using System.Text.Json;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>
/// The ledger's anchor outside the database: the node's latest signed checkpoint as a small JSON file
/// (<c>ledger-anchor.json</c> in the key/journal folder), rewritten atomically after each checkpoint. Deleting checkpoints
/// or entries in the database leaves the anchor vouching for a checkpoint the database no longer has, which
/// <see cref="LedgerVerifier"/> reports. Operators can copy the file elsewhere (or give it to a peer to countersign)
/// and verify against that copy with <c>hearth ledger verify --anchor</c>.
/// </summary>
public static class LedgerAnchor
{
    /// <summary>File name of the anchor inside the key folder.</summary>
    public const string FileName = "ledger-anchor.json";

    /// <summary>Largest anchor file read (a checkpoint is under 1 KiB; anything larger is not an anchor).</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Where the anchor of the ledger whose key lives in <paramref name="keyFolder"/> is kept.</summary>
    public static string PathIn(string keyFolder) => Path.Combine(keyFolder, FileName);

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="path"/> (temp file, fsync, rename).</summary>
    public static void Write(string path, LedgerCheckpoint checkpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", "hearth-ledger-anchor/1");
            w.WriteNumber("version", checkpoint.Version);
            w.WriteNumber("sequence", checkpoint.Sequence);
            w.WriteString("hash", checkpoint.Hash);
            w.WriteNumber("entryCount", checkpoint.EntryCount);
            w.WriteString("previousCheckpointHash", checkpoint.PreviousCheckpointHash);
            w.WriteNumber("timestampUnixMicroseconds", LedgerHash.ToUnixMicroseconds(checkpoint.Timestamp));
            w.WriteString("nodeId", checkpoint.NodeId);
            w.WriteString("publicKey", checkpoint.PublicKeySpkiBase64);
            w.WriteString("signature", checkpoint.SignatureBase64);
            w.WriteString("checkpointHash", CheckpointChain.HashOf(checkpoint));
            w.WriteEndObject();
        }
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads the anchor at <paramref name="path"/>: null when the file does not exist.</summary>
    /// <exception cref="LedgerFormatException">The file is not an anchor (names the file and the field).</exception>
    public static LedgerCheckpoint? TryRead(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            return null;
        }
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new LedgerFormatException($"Ledger anchor '{path}' is {length} bytes; an anchor is at most {MaxFileBytes}.");
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != "hearth-ledger-anchor/1")
            {
                throw new LedgerFormatException($"Ledger anchor '{path}': field 'format' must be \"hearth-ledger-anchor/1\".");
            }
            return new LedgerCheckpoint(
                Int(root, "sequence", path),
                Str(root, "hash", path),
                LedgerHash.FromUnixMicroseconds(Int(root, "timestampUnixMicroseconds", path)),
                Str(root, "nodeId", path),
                Str(root, "publicKey", path),
                Str(root, "signature", path),
                checked((int)Int(root, "version", path)),
                Str(root, "previousCheckpointHash", path),
                Int(root, "entryCount", path));
        }
        catch (JsonException ex)
        {
            throw new LedgerFormatException($"Ledger anchor '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (OverflowException ex)
        {
            throw new LedgerFormatException($"Ledger anchor '{path}': field 'version' is out of range.", ex);
        }
    }

    private static long Int(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n
            : throw new LedgerFormatException($"Ledger anchor '{path}': field '{name}' is missing or not an integer.");

    private static string Str(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : throw new LedgerFormatException($"Ledger anchor '{path}': field '{name}' is missing or not a string.");
}
