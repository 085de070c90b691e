using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>
/// The node's ECDSA P-256 signing key, kept as PKCS#8 PEM in <c>node-key.pem</c> in the ledger folder (created with
/// mode 0600 when missing). Signs checkpoints; verifies them with the public key stored beside each checkpoint.
/// </summary>
public sealed class NodeKey : IDisposable
{
    /// <summary>File name of the key inside its folder.</summary>
    public const string FileName = "node-key.pem";

    private readonly ECDsa _key;

    private NodeKey(ECDsa key, string path)
    {
        _key = key;
        FilePath = path;
        PublicKeySpkiBase64 = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Where the key lives.</summary>
    public string FilePath { get; }

    /// <summary>The public key (SubjectPublicKeyInfo DER, base64).</summary>
    public string PublicKeySpkiBase64 { get; }

    /// <summary>Loads the key in <paramref name="folder"/>, creating one when missing.</summary>
    public static NodeKey LoadOrCreate(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            try
            {
                key.ImportFromPem(File.ReadAllText(path));
            }
            catch (ArgumentException ex)
            {
                key.Dispose();
                throw new LedgerStoreException($"Node key '{path}' is not a PEM-encoded ECDSA key: {ex.Message}", ex);
            }
            catch (CryptographicException ex)
            {
                key.Dispose();
                throw new LedgerStoreException($"Node key '{path}' could not be read: {ex.Message}", ex);
            }
            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new LedgerStoreException($"Node key '{path}' is {key.KeySize}-bit; a P-256 key is required.");
            }
            return new NodeKey(key, path);
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        var tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var fs = new FileStream(tmp, options))
        using (var w = new StreamWriter(fs, new UTF8Encoding(false)))
        {
            w.Write(pem);
            w.Flush();
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: false);
        return new NodeKey(key, path);
    }

    /// <summary>The public key of the key file in <paramref name="folder"/>, or null when there is none.</summary>
    public static string? TryReadPublicKey(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        using var k = LoadOrCreate(folder);
        return k.PublicKeySpkiBase64;
    }

    /// <summary>
    /// Signs a chained checkpoint at the given chain head. <paramref name="previous"/> is this node's previous checkpoint
    /// (null for its first): the new one signs its <see cref="CheckpointChain.HashOf"/>.
    /// </summary>
    public LedgerCheckpoint SignCheckpoint(long sequence, string hash, DateTimeOffset timestamp, string nodeId, LedgerCheckpoint? previous = null)
    {
        var unsigned = new LedgerCheckpoint(
            sequence, hash, LedgerHash.TruncateToMicroseconds(timestamp), nodeId, PublicKeySpkiBase64, "",
            CheckpointChain.CurrentVersion, previous is null ? CheckpointChain.Genesis : CheckpointChain.HashOf(previous), sequence);
        return Sign(unsigned);
    }

    /// <summary>Signs a version-1 (unchained) checkpoint, as builds before chaining did; for upgrade tests.</summary>
    internal LedgerCheckpoint SignLegacyCheckpoint(long sequence, string hash, DateTimeOffset timestamp, string nodeId) =>
        Sign(new LedgerCheckpoint(sequence, hash, LedgerHash.TruncateToMicroseconds(timestamp), nodeId, PublicKeySpkiBase64, ""));

    private LedgerCheckpoint Sign(LedgerCheckpoint unsigned) =>
        unsigned with { SignatureBase64 = Convert.ToBase64String(_key.SignData(CheckpointChain.Payload(unsigned), HashAlgorithmName.SHA256)) };

    /// <summary>True when the checkpoint's signature is valid under the public key it carries (and its version is known).</summary>
    public static bool VerifySignature(LedgerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!CheckpointChain.IsKnownVersion(checkpoint.Version))
        {
            return false;
        }
        try
        {
            using var pub = ECDsa.Create();
            pub.ImportSubjectPublicKeyInfo(Convert.FromBase64String(checkpoint.PublicKeySpkiBase64), out _);
            return pub.VerifyData(CheckpointChain.Payload(checkpoint), Convert.FromBase64String(checkpoint.SignatureBase64), HashAlgorithmName.SHA256);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();
}
