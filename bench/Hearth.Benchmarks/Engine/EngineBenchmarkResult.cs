namespace Hearth.Benchmarks.Engine;

/// <summary>Figures of one engine benchmark (medians over the measured runs).</summary>
public sealed record EngineBenchmarkResult
{
    public required string ModelId { get; init; }
    public required string QuantizationType { get; init; }
    public required int Threads { get; init; }
    public required int PromptTokens { get; init; }
    public required int GenerateTokens { get; init; }
    public required int Runs { get; init; }
    public required double PrefillTokensPerSecond { get; init; }
    public required double DecodeTokensPerSecond { get; init; }
    public required IReadOnlyList<double> PrefillTokensPerSecondRuns { get; init; }
    public required IReadOnlyList<double> DecodeTokensPerSecondRuns { get; init; }
    /// <summary>
    /// Prompt tokens per second of process CPU time (all threads): on a shared machine, where wall-clock rates depend on
    /// what else runs, this shows the engine's own cost. Equals wall-clock tok/s × threads only when every thread is busy.
    /// </summary>
    public required double PrefillTokensPerCpuSecond { get; init; }

    /// <summary>Decoded tokens per second of process CPU time (all threads, including spin-waiting workers).</summary>
    public required double DecodeTokensPerCpuSecond { get; init; }

    /// <summary>
    /// Peak resident memory of the process while generating (warm-up and measured runs; before the bandwidth probe): mapped
    /// weight pages touched, KV cache, scratch, the runtime. See <see cref="PeakResidentMethod"/>.
    /// </summary>
    public required long PeakResidentBytes { get; init; }

    /// <summary>How <see cref="PeakResidentBytes"/> was measured (a window reset on Linux, else the lifetime peak).</summary>
    public required string PeakResidentMethod { get; init; }

    /// <summary>Size of the model file.</summary>
    public required long FileBytes { get; init; }

    /// <summary>Bytes of the benchmark's KV cache: layers × positions × KV dimension × 2 (keys and values) × element bytes.</summary>
    public required long KvCacheBytes { get; init; }

    public required int KvCacheLayers { get; init; }

    /// <summary>Positions the cache holds (prompt + generated tokens).</summary>
    public required int KvCachePositions { get; init; }

    public required int KvCacheDimension { get; init; }

    /// <summary>4 for an F32 cache, 2 for F16.</summary>
    public required int KvCacheElementBytes { get; init; }

    /// <summary>The slack the memory bar allows above file + KV cache: 64 MiB.</summary>
    public const long MemoryBarSlackBytes = 64L << 20;

    /// <summary>The bar: resident memory while generating ≤ file size + KV cache + 64 MiB.</summary>
    public long MemoryBarBytes => FileBytes + KvCacheBytes + MemoryBarSlackBytes;

    public bool MemoryBarMet => PeakResidentBytes <= MemoryBarBytes;
    public required double MemoryBandwidthBytesPerSecond { get; init; }
    public required long WeightBytesPerToken { get; init; }

    /// <summary>Decode speed if every token only streamed its weights at the measured bandwidth.</summary>
    public double RooflineTokensPerSecond => MemoryBandwidthBytesPerSecond / WeightBytesPerToken;

    /// <summary>Decode tok/s ÷ roofline tok/s, in percent.</summary>
    public double RooflinePercent => 100.0 * DecodeTokensPerSecond / RooflineTokensPerSecond;
}
