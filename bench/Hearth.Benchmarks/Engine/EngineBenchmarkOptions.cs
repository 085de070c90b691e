namespace Hearth.Benchmarks.Engine;

/// <summary>What <see cref="EngineBenchmark"/> measures.</summary>
public sealed record EngineBenchmarkOptions
{
    /// <summary>Prompt length processed as one prefill.</summary>
    public int PromptTokens { get; init; } = 128;

    /// <summary>Tokens decoded one at a time after the prefill.</summary>
    public int GenerateTokens { get; init; } = 64;

    /// <summary>Measured runs (the median is reported); at least 1, 5 recommended.</summary>
    public int Runs { get; init; } = 5;

    /// <summary>Unmeasured runs first (JIT tiering, page faults of the mapping).</summary>
    public int WarmupRuns { get; init; } = 2;

    /// <summary>How long the memory-bandwidth probe streams.</summary>
    public TimeSpan BandwidthProbeDuration { get; init; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        if (PromptTokens < 1 || GenerateTokens < 1 || Runs < 1 || WarmupRuns < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PromptTokens), "PromptTokens, GenerateTokens and Runs must be positive and WarmupRuns not negative.");
        }
    }
}
