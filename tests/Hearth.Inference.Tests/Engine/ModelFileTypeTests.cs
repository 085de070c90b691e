using Hearth.Inference.Engine;
using Hearth.Inference.Gguf;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine;

public sealed class ModelFileTypeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ModelInfo InfoOf(uint? fileType)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".gguf");
        new TinyModel { Architecture = "llama", FileType = fileType }.WriteTo(path);
        using var model = LoadedModel.Load(path, new EngineOptions { Threads = 1 });
        return model.Info;
    }

    [Fact]
    public void Load_FileTypeQ4KM_ReportsDeclaredMixNotDominantTensors()
    {
        var info = InfoOf((uint)GgufFileType.MostlyQ4_K_M);   // every tensor of the tiny model is F32
        Assert.Equal(GgmlType.Q4_K, info.QuantizationType);
        Assert.Equal("Q4_K_M", info.QuantizationLabel);
    }

    [Fact]
    public void Load_FileTypeQ8_0_ReportsQ8_0()
    {
        var info = InfoOf((uint)GgufFileType.MostlyQ8_0);
        Assert.Equal(GgmlType.Q8_0, info.QuantizationType);
        Assert.Equal("Q8_0", info.QuantizationLabel);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(999u)]
    public void Load_MissingOrUnknownFileType_FallsBackToDominantTensorType(uint? fileType)
    {
        var info = InfoOf(fileType);
        Assert.Equal(GgmlType.F32, info.QuantizationType);
        Assert.Equal("F32", info.QuantizationLabel);
    }

    [Theory]
    [InlineData(15L, "Q4_K_M", GgmlType.Q4_K)]
    [InlineData(2L, "Q4_0", GgmlType.Q4_0)]
    [InlineData(18L, "Q6_K", GgmlType.Q6_K)]
    [InlineData(1L, "F16", GgmlType.F16)]
    public void FromFileTypeValue_KnownValue_MapsToLlamaCppName(long value, string label, GgmlType type)
    {
        var mapped = ModelFileType.FromFileTypeValue(value);
        Assert.Equal((label, type), mapped);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(4L)]
    [InlineData(0x1_0000_0007L)]   // would wrap to 7 (Q8_0) if narrowed to int
    public void FromFileTypeValue_UnknownOrOutOfRange_IsNull(long value)
    {
        Assert.Null(ModelFileType.FromFileTypeValue(value));
    }

    [Fact]
    public void FromFileTypeValue_EveryGgufFileType_HasALabelNamedLikeTheEnum()
    {
        foreach (var fileType in Enum.GetValues<GgufFileType>())
        {
            var mapped = ModelFileType.FromFileTypeValue((long)fileType);
            Assert.NotNull(mapped);
            Assert.EndsWith(mapped.Value.Label, fileType.ToString(), StringComparison.Ordinal);
        }
    }
}
