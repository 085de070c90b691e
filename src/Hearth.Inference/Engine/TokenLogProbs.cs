namespace Hearth.Inference.Engine;

/// <summary>The log-probability of one emitted token and of its most likely alternatives.</summary>
public sealed record TokenLogProbs(TokenLogProb Token, IReadOnlyList<TokenLogProb> TopAlternatives);
