namespace Hearth.Contracts;

/// <summary>
/// One generated token's log-probability (natural log) and, when asked for, the most likely alternatives at its position
/// (their own <see cref="TopAlternatives"/> are empty). The one type for log-probabilities across the engine, the router's
/// cascade, upstream backends and the OpenAI/Ollama mappings.
/// </summary>
/// <param name="Text">The token as text.</param>
/// <param name="LogProb">Natural log of the token's probability under the model's raw distribution.</param>
/// <param name="TopAlternatives">The most likely tokens at this position, most likely first (empty when not asked for).</param>
/// <param name="TokenId">The vocabulary id when the model is local; -1 when unknown (an upstream's answer).</param>
public sealed record TokenLogProb(string Text, float LogProb, IReadOnlyList<TokenLogProb> TopAlternatives, int TokenId = -1)
{
    /// <summary>A token with no alternatives.</summary>
    public TokenLogProb(string text, float logProb, int tokenId = -1)
        : this(text, logProb, [], tokenId)
    {
    }
}

/// <summary>A request for token log-probabilities: <paramref name="TopAlternatives"/> per position, 0–20.</summary>
public sealed record LogProbsRequest(int TopAlternatives = 0);

/// <summary>
/// Budget downgrade notice: a <c>Downgrade</c> budget sent the request to <paramref name="ServedBy"/> instead of the model it named.
/// </summary>
public sealed record BudgetDowngrade(string RequestedModel, string ServedBy, string Message);

/// <summary>How an OpenAI-style tool call was received, for clients that need it byte-exact: the raw argument string and the call's position.</summary>
/// <param name="RawArguments">The arguments exactly as received (a JSON string), when known.</param>
/// <param name="Index">Position of the call in its message (streamed fragments of one call share it), when known.</param>
public sealed record ToolCallWire(string? RawArguments, int? Index);
