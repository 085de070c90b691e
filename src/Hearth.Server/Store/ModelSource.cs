namespace Hearth.Server.Store;

/// <summary>
/// Where to pull a model from: an http(s) URL of a <c>.gguf</c> file, or <c>hf:org/repo/path/file.gguf[@revision]</c> which resolves
/// to <c>{HF_ENDPOINT or https://huggingface.co}/org/repo/resolve/{revision or main}/path/file.gguf</c>.
/// </summary>
public sealed record ModelSource(Uri Url, string ModelName)
{
    public const string HuggingFaceEndpointVariable = "HF_ENDPOINT";

    /// <summary>Parses a pull argument; throws <see cref="ArgumentException"/> (no parameter name: the message is for the person who typed the source) naming what is wrong.</summary>
    public static ModelSource Parse(string spec, string? huggingFaceEndpoint = null)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            throw new ArgumentException("No model source given: expected an http(s) URL of a .gguf file or hf:org/repo/file.gguf.");
        }
        Uri url;
        if (spec.StartsWith("hf:", StringComparison.OrdinalIgnoreCase))
        {
            var rest = spec[3..].Trim('/');
            var revision = "main";
            var at = rest.LastIndexOf('@');
            if (at > 0)
            {
                revision = rest[(at + 1)..];
                rest = rest[..at];
            }
            var parts = rest.Split('/');
            if (parts.Length < 3 || parts.Any(p => p.Length == 0 || p == ".."))
            {
                throw new ArgumentException($"'{spec}' must look like hf:org/repo/file.gguf (optionally @revision).");
            }
            var endpoint = (huggingFaceEndpoint ?? Environment.GetEnvironmentVariable(HuggingFaceEndpointVariable) ?? "https://huggingface.co").TrimEnd('/');
            url = new Uri($"{endpoint}/{parts[0]}/{parts[1]}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', parts.Skip(2).Select(Uri.EscapeDataString))}");
        }
        else if (!Uri.TryCreate(spec, UriKind.Absolute, out url!) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{spec}' is neither an http(s) URL nor hf:org/repo/file.gguf.");
        }
        var fileName = Uri.UnescapeDataString(url.Segments[^1]);
        if (!fileName.EndsWith(Backends.LocalModelFiles.Extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{spec}' does not name a .gguf file.");
        }
        var name = fileName[..^Backends.LocalModelFiles.Extension.Length];
        if (!Backends.LocalModelFiles.IsValidModelName(name))
        {
            throw new ArgumentException($"'{fileName}' is not a usable model file name (letters, digits, . _ - only).");
        }
        return new ModelSource(url, name);
    }
}
