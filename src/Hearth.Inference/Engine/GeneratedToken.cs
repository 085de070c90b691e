using Hearth.Contracts;

namespace Hearth.Inference.Engine;

/// <summary>One step of a generation stream.</summary>
/// <param name="TokenId">The sampled token.</param>
/// <param name="Text">
/// Text released by this step. It may be empty (an incomplete UTF-8 sequence, text held back because it could be the start of a
/// stop string, or an end-of-generation token) and may carry text held back by earlier steps. Concatenating every step's
/// <c>Text</c> gives the full output, never containing a stop string or anything after it.
/// </param>
/// <param name="LogProbability">Natural-log probability of <paramref name="TokenId"/> under the raw model distribution (temperature 1, no penalties).</param>
/// <param name="TopAlternatives">The <see cref="GenerationRequest.TopLogProbs"/> most likely tokens at this step, most likely first (each with its vocabulary id, no alternatives of its own).</param>
/// <param name="FinishReason">Set on the last step only.</param>
public sealed record GeneratedToken(
    int TokenId,
    string Text,
    float LogProbability,
    IReadOnlyList<TokenLogProb> TopAlternatives,
    FinishReason? FinishReason)
{
    /// <summary>
    /// CPU seconds charged to this sequence so far: its share (by tokens) of every forward step it was in — the scheduler
    /// thread's and the compute workers' thread CPU time during the step — plus its own sampling time. On the last step, the
    /// sequence's total. Null when per-thread CPU clocks are unavailable (off Linux).
    /// </summary>
    public double? CpuSeconds { get; init; }

    /// <summary>
    /// The sampled token's own text (its bytes as UTF-8; a partial character shows as U+FFFD), whatever this step released:
    /// the text to report with <see cref="LogProbability"/>. Unlike <see cref="Text"/> it is never held back or merged.
    /// </summary>
    public string TokenText { get; init; } = string.Empty;
}
