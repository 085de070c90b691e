using System.Security.Cryptography;
using System.Text;
using Hearth.Server.Backends;

namespace Hearth.Server.Store;

/// <summary>
/// A stable identity digest for a model entry (for Ollama's <c>digest</c> field): SHA-256 over the file's name, size and modification
/// time — not over its contents, which would mean reading gigabytes on every <c>/api/tags</c>.
/// </summary>
public static class ModelIdentity
{
    public static string Digest(ModelDescriptor model)
    {
        var text = $"{model.Id}\n{model.Kind}\n{model.OwnedBy}\n{model.RemoteId}\n{model.SizeBytes}\n{model.ModifiedAt.ToUnixTimeMilliseconds()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
