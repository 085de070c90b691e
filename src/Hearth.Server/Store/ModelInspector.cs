using System.Collections.Concurrent;
using Hearth.Inference.Gguf;
using Hearth.Inference.Templates;
using Hearth.Server.Backends.Local;

namespace Hearth.Server.Store;

/// <summary>
/// Reads a GGUF file's header (memory-mapped, no weights touched) for <c>hearth show</c>, <c>/api/show</c> and <c>/api/tags</c>.
/// Results are cached per (path, size, modification time).
/// </summary>
public static class ModelInspector
{
    private static readonly ConcurrentDictionary<(string, long, DateTime), ModelFileFacts> s_cache = new();

    /// <summary>Facts about a GGUF file; throws <see cref="GgufFormatException"/> for a broken file.</summary>
    public static ModelFileFacts Inspect(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }
        return s_cache.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ => Read(info.FullName));
    }

    /// <summary>Like <see cref="Inspect"/> but null for unreadable files (listing must not fail on one bad file).</summary>
    public static ModelFileFacts? TryInspect(string path)
    {
        try
        {
            return Inspect(path);
        }
        catch (Exception e) when (e is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static ModelFileFacts Read(string path)
    {
        using var file = GgufFile.Open(path);
        var arch = file.GetString(GgufNames.Architecture) ?? "unknown";
        var template = file.GetString(GgufNames.ChatTemplate);
        var dominant = file.Tensors.Where(t => t.Dimensions.Length >= 2)
            .GroupBy(t => t.Type).OrderByDescending(g => g.Sum(t => t.ByteSize)).Select(g => g.Key.ToString()).FirstOrDefault() ?? "F32";
        var toolFormat = string.IsNullOrEmpty(template) ? "none" : ToolCallFormats.Detect(template).ToString();
        return new ModelFileFacts(
            new LocalModelDetails(arch, file.Tensors.Sum(t => t.ElementCount), dominant,
                (int)(file.GetInteger(GgufNames.ContextLength(arch)) ?? 0), (int)(file.GetInteger(GgufNames.EmbeddingLength(arch)) ?? 0), template),
            file.Version, file.Tensors.Count, file.Metadata.Count, file.GetString(GgufNames.TokenizerModel), toolFormat);
    }
}

/// <summary>What a GGUF header says.</summary>
public sealed record ModelFileFacts(LocalModelDetails Details, uint GgufVersion, int TensorCount, int MetadataCount, string? TokenizerModel, string ToolCallFormat);
