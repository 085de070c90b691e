using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.Inference.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Models;

public sealed class ArchitectureRegistryTests
{
    [Fact]
    public void Load_UnknownArchitecture_ThrowsListingSupported()
    {
        using var dir = new TempDir();
        var w = new GgufWriter();
        w.Add(GgufNames.Architecture, "mamba");
        w.WriteTo(dir.File("m.gguf"));
        var e = Assert.Throws<UnsupportedModelException>(() => LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 }));
        Assert.Contains("mamba", e.Message, StringComparison.Ordinal);
        Assert.Contains("llama", e.Message, StringComparison.Ordinal);
        Assert.Contains("qwen2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnsupportedTensorType_ThrowsNamingTensorAndSupportedTypes()
    {
        using var dir = new TempDir();
        var path = dir.File("m.gguf");
        new TinyModel { Architecture = "llama" }.WriteTo(path);
        // Rewrite the file with one tensor relabelled as I32 (same byte size as F32).
        using (var file = GgufFile.Open(path))
        {
            var w = new GgufWriter();
            foreach (var entry in file.Metadata)
            {
                w.Add(entry.Key, entry.Value);
            }
            foreach (var t in file.Tensors)
            {
                var type = t.Name == GgufNames.AttnQ(1) ? GgmlType.I32 : t.Type;
                w.AddTensor(t.Name, type, t.Dimensions, file.GetTensorBytes(t).ToArray());
            }
            w.WriteTo(dir.File("bad.gguf"));
        }
        var e = Assert.Throws<UnsupportedModelException>(() => LoadedModel.Load(dir.File("bad.gguf"), new EngineOptions { Threads = 1 }));
        Assert.Contains(GgufNames.AttnQ(1), e.Message, StringComparison.Ordinal);
        Assert.Contains("Q8_0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingTensor_ThrowsNamingIt()
    {
        using var dir = new TempDir();
        var path = dir.File("m.gguf");
        new TinyModel { Architecture = "qwen2" }.WriteTo(path);
        using (var file = GgufFile.Open(path))
        {
            var w = new GgufWriter();
            foreach (var entry in file.Metadata)
            {
                w.Add(entry.Key, entry.Value);
            }
            foreach (var t in file.Tensors.Where(t => t.Name != GgufNames.AttnKBias(0)))
            {
                w.AddTensor(t.Name, t.Type, t.Dimensions, file.GetTensorBytes(t).ToArray());
            }
            w.WriteTo(dir.File("bad.gguf"));
        }
        var e = Assert.Throws<UnsupportedModelException>(() => LoadedModel.Load(dir.File("bad.gguf"), new EngineOptions { Threads = 1 }));
        Assert.Contains(GgufNames.AttnKBias(0), e.Message, StringComparison.Ordinal);
    }
}
