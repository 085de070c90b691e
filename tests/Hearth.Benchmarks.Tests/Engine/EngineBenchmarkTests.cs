using Hearth.Benchmarks.Engine;
using Hearth.Inference.Engine;
using Hearth.Inference.Models;
using Hearth.Inference.Tests.Models;
using Hearth.TestSupport;

namespace Hearth.Benchmarks.Tests.Engine;

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
        Assert.True(result.PeakResidentBytes > result.FileBytes);
        Assert.Equal(new FileInfo(dir.File("m.gguf")).Length, result.FileBytes);
        // One F32 cache of prompt + generated positions: layers × positions × kvDim × 2 (keys, values) × 4 bytes.
        var tiny = new TinyModel { Architecture = "llama" };
        Assert.Equal(tiny.Layers, result.KvCacheLayers);
        Assert.Equal(8 + 4, result.KvCachePositions);
        Assert.Equal(tiny.KvDim, result.KvCacheDimension);
        Assert.Equal((long)tiny.Layers * 12 * tiny.KvDim * 2 * 4, result.KvCacheBytes);
        Assert.Equal(result.FileBytes + result.KvCacheBytes + (64L << 20), result.MemoryBarBytes);
        Assert.Equal(result.PeakResidentBytes <= result.MemoryBarBytes, result.MemoryBarMet);
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
    public void Median_OddAndEven_Counts()
    {
        Assert.Equal(2.0, EngineBenchmark.Median([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, EngineBenchmark.Median([4.0, 1.0, 2.0, 3.0]));
    }

    [SkippableFact]
    public unsafe void ResidentMemory_WindowAfterALargeFreedBuffer_PeakExcludesIt()
    {
        // 256 MiB touched and freed before the window (native: glibc unmaps a block this large on free, so RSS falls back).
        const long size = 256L << 20;
        var before = Environment.WorkingSet;
        var block = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)size);
        for (long i = 0; i < size; i += 4096)
        {
            block[i] = 1;
        }
        System.Runtime.InteropServices.NativeMemory.Free(block);
        var window = ResidentMemory.StartWindow();
        Skip.IfNot(OperatingSystem.IsLinux(), "Needs Linux's VmHWM reset; elsewhere the lifetime-peak fallback includes the buffer by design.");
        Assert.True(window.IsWindowed, "on Linux the VmHWM reset should be allowed");
        Assert.True(window.PeakBytes() < before + (size / 2), $"windowed peak {window.PeakBytes()} includes the freed buffer (RSS before {before})");
    }
}
