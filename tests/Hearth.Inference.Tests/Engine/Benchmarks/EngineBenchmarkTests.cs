using Hearth.Inference.Engine;
using Hearth.Inference.Engine.Benchmarks;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;

namespace Hearth.Inference.Tests.Engine.Benchmarks;

public sealed class EngineBenchmarkTests
{
    [Fact]
    public void Run_TinyModel_ReportsConsistentFigures()
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama" }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        var result = EngineBenchmark.Run(model, new EngineBenchmarkOptions
        {
            PromptTokens = 8, GenerateTokens = 4, Runs = 3, WarmupRuns = 1, BandwidthProbeDuration = TimeSpan.FromMilliseconds(20),
        }, CancellationToken.None);
        Assert.Equal(3, result.PrefillTokensPerSecondRuns.Count);
        Assert.Equal(3, result.DecodeTokensPerSecondRuns.Count);
        Assert.True(result.PrefillTokensPerSecond > 0 && result.DecodeTokensPerSecond > 0);
        Assert.True(result.MemoryBandwidthBytesPerSecond > 0);
        Assert.True(result.PeakWorkingSetBytes > 0);
        Assert.Equal(model.WeightBytesPerToken, result.WeightBytesPerToken);
        Assert.Equal(result.MemoryBandwidthBytesPerSecond / result.WeightBytesPerToken, result.RooflineTokensPerSecond, 6);
        Assert.Equal(100 * result.DecodeTokensPerSecond / result.RooflineTokensPerSecond, result.RooflinePercent, 6);
    }

    [Fact]
    public void Run_MoreTokensThanContext_ThrowsContextOverflow()
    {
        using var dir = new TempDir();
        new TinyModel { Architecture = "llama", Context = 16 }.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        Assert.Throws<ContextOverflowException>(() => EngineBenchmark.Run(model, new EngineBenchmarkOptions { PromptTokens = 12, GenerateTokens = 8 }, CancellationToken.None));
    }

    [Fact]
    public void WeightBytesPerToken_TinyModel_CountsEveryMatrixOnce()
    {
        using var dir = new TempDir();
        var tiny = new TinyModel { Architecture = "llama" };
        tiny.WriteTo(dir.File("m.gguf"));
        using var model = LoadedModel.Load(dir.File("m.gguf"), new EngineOptions { Threads = 1 });
        long perLayer = 4L * ((tiny.Dim * tiny.Dim * 2) + (tiny.KvDim * tiny.Dim * 2) + (3 * tiny.Hidden * tiny.Dim) + (2 * tiny.Dim));
        long expected = (tiny.Layers * perLayer) + (4L * tiny.Dim) /* embedding row */ + (4L * TinyModel.Vocab * tiny.Dim) /* output */ + (4L * tiny.Dim);
        Assert.Equal(expected, model.WeightBytesPerToken);
    }

    [Fact]
    public void Median_OddAndEven_Counts()
    {
        Assert.Equal(2.0, EngineBenchmark.Median([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, EngineBenchmark.Median([4.0, 1.0, 2.0, 3.0]));
    }
}
