using Hearth.Inference.Models;
namespace Hearth.Inference.Engine;

/// <summary>How a model is loaded and run.</summary>
public sealed record EngineOptions
{
    /// <summary>Compute threads (the calling thread counts as one).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Context window in tokens; 0 uses the model's trained context, capped at <see cref="DefaultContextCap"/>.</summary>
    public int ContextLength { get; init; }

    /// <summary>
    /// Sequences that may be generating at once; more wait their turn. Each holds its own KV cache; their forward steps are
    /// batched into shared passes over the weights.
    /// </summary>
    public int MaxConcurrentSequences { get; init; } = 4;

    /// <summary>Element type of the KV cache.</summary>
    public KvCacheElementType KvCacheType { get; init; } = KvCacheElementType.F32;

    /// <summary>
    /// A prompt is processed in chunks of at most this many tokens per step; a step holds at most
    /// max(<see cref="PrefillBatchTokens"/>, <see cref="MaxConcurrentSequences"/>) tokens (bounds scratch memory).
    /// </summary>
    public int PrefillBatchTokens { get; init; } = 64;

    /// <summary>
    /// Bounds on rendering the model's chat template for one request (steps, chars built, render time, output size, …);
    /// see <see cref="Templates.TemplateLimits"/> for each default.
    /// </summary>
    public Templates.TemplateLimits ChatTemplateLimits { get; init; } = Templates.TemplateLimits.Default;

    /// <summary>Default cap on the context window when <see cref="ContextLength"/> is 0 (bounds KV cache memory).</summary>
    public const int DefaultContextCap = 4096;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Threads is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be between 1 and 256.");
        }
        if (ContextLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextLength), ContextLength, "ContextLength must be 0 (model default) or positive.");
        }
        if (MaxConcurrentSequences is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentSequences), MaxConcurrentSequences, "MaxConcurrentSequences must be between 1 and 1024.");
        }
        if (PrefillBatchTokens is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(PrefillBatchTokens), PrefillBatchTokens, "PrefillBatchTokens must be between 1 and 4096.");
        }
    }
}
