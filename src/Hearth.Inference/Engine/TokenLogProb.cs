namespace Hearth.Inference.Engine;

/// <summary>A candidate token and its natural-log probability under the model's raw distribution.</summary>
/// <param name="TokenId">Vocabulary id.</param>
/// <param name="Text">The token's decoded text (may be a partial UTF-8 sequence rendered with replacement characters).</param>
/// <param name="LogProbability">Natural log of the probability (softmax of the raw logits at temperature 1).</param>
public sealed record TokenLogProb(int TokenId, string Text, float LogProbability);
