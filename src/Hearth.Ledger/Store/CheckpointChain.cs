using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>
/// The signed form of a checkpoint and the hash that links a node's checkpoints into a chain (see
/// <see cref="LedgerCheckpoint"/>). Never change a version's payload: add a version.
/// </summary>
public static class CheckpointChain
{
    /// <summary>Checkpoints written before chaining: sequence, hash, time and node only.</summary>
    public const int LegacyVersion = 1;

    /// <summary>Chained checkpoints (what this build writes).</summary>
    public const int CurrentVersion = 2;

    /// <summary>The previous-checkpoint hash of a node's first chained checkpoint.</summary>
    public static string Genesis => LedgerHash.Genesis;

    /// <summary>True for the versions this build can verify.</summary>
    public static bool IsKnownVersion(int version) => version is LegacyVersion or CurrentVersion;

    /// <summary>The bytes a checkpoint's signature covers.</summary>
    public static byte[] Payload(LedgerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var ts = LedgerHash.ToUnixMicroseconds(checkpoint.Timestamp);
        var text = checkpoint.Version == LegacyVersion
            ? string.Create(CultureInfo.InvariantCulture, $"hearth-ledger-checkpoint|v1|{checkpoint.Sequence}|{checkpoint.Hash}|{ts}|{checkpoint.NodeId}")
            : string.Create(CultureInfo.InvariantCulture,
                $"hearth-ledger-checkpoint|v{checkpoint.Version}|{checkpoint.Sequence}|{checkpoint.Hash}|{ts}|{checkpoint.NodeId}|{checkpoint.EntryCount}|{checkpoint.PreviousCheckpointHash}");
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>SHA-256 (hex) of the checkpoint's signed payload and its signature: what the next checkpoint links to.</summary>
    public static string HashOf(LedgerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var payload = Payload(checkpoint);
        var sig = Encoding.UTF8.GetBytes(checkpoint.SignatureBase64);
        var all = new byte[payload.Length + 1 + sig.Length];
        payload.CopyTo(all, 0);
        all[payload.Length] = (byte)'|';
        sig.CopyTo(all, payload.Length + 1);
        return Convert.ToHexStringLower(SHA256.HashData(all));
    }
}
