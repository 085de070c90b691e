namespace Hearth.Inference.Engine.Benchmarks;

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

    /// <summary>Peak working set of the process before the bandwidth probe (weights mapped and touched, KV cache, scratch).</summary>
    public required long PeakWorkingSetBytes { get; init; }
    public required double MemoryBandwidthBytesPerSecond { get; init; }
    public required long WeightBytesPerToken { get; init; }

    /// <summary>Decode speed if every token only streamed its weights at the measured bandwidth.</summary>
    public double RooflineTokensPerSecond => MemoryBandwidthBytesPerSecond / WeightBytesPerToken;

    /// <summary>Decode tok/s ÷ roofline tok/s, in percent.</summary>
    public double RooflinePercent => 100.0 * DecodeTokensPerSecond / RooflineTokensPerSecond;
}
