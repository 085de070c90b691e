using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hearth.Server.Backends;

namespace Hearth.Server.Pipeline;

/// <summary>
/// The model version written into ledger entries: the lower-case hex SHA-256 of a local GGUF file (hashed once per file path,
/// size and modification time, then cached), or the upstream model string for upstream models.
/// </summary>
public sealed class ModelVersions
{
    private readonly ConcurrentDictionary<(string Path, long Size, DateTimeOffset Modified), Lazy<string>> _hashes = new();

    public string For(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Kind != BackendKind.Local || model.FilePath is null)
        {
            return model.RemoteId ?? model.Id;
        }
        var key = (model.FilePath, model.SizeBytes, model.ModifiedAt);
        return _hashes.GetOrAdd(key, k => new Lazy<string>(() => Hash(k.Path))).Value;
    }

    private static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
