using Hearth.Inference.Gguf;

namespace Hearth.Inference.Models;

/// <summary>The architectures Hearth runs, by their <c>general.architecture</c> name.</summary>
internal static class ArchitectureRegistry
{
    private static readonly IModelArchitecture[] s_all = [new LlamaArchitecture(), new Qwen2Architecture()];

    /// <summary>Names of the supported architectures.</summary>
    public static IReadOnlyList<string> Supported { get; } = s_all.Select(a => a.Name).ToArray();

    /// <summary>The architecture of <paramref name="file"/>; <see cref="UnsupportedModelException"/> lists the supported ones.</summary>
    public static IModelArchitecture For(GgufFile file)
    {
        var name = file.GetString(GgufNames.Architecture)
            ?? throw new UnsupportedModelException($"Model '{file.FilePath}' has no '{GgufNames.Architecture}' key; supported architectures: {string.Join(", ", Supported)}.") { FilePath = file.FilePath };
        return s_all.FirstOrDefault(a => a.Name == name)
            ?? throw new UnsupportedModelException($"Model '{file.FilePath}' has architecture '{name}'; supported architectures: {string.Join(", ", Supported)}.") { FilePath = file.FilePath };
    }
}
