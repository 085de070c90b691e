namespace Hearth.Routing.Evaluation;

/// <summary>
/// One prompt with the outcome of the weak (small) and strong (large) model on it.
/// Quality values are in [0, 1]: 1 = correct, 0 = wrong; fractional values are graded scores.
/// </summary>
/// <param name="Prompt">The user prompt.</param>
/// <param name="WeakQuality">Quality of the weak model's answer, in [0, 1].</param>
/// <param name="StrongQuality">Quality of the strong model's answer, in [0, 1].</param>
/// <param name="WeakResponse">The weak model's answer text, when known (used by the cascade scorer).</param>
public sealed record RoutingExample(string Prompt, double WeakQuality, double StrongQuality, string? WeakResponse = null)
{
    /// <summary>True when the weak answer counts as good enough (quality ≥ 0.5).</summary>
    public bool WeakIsGood => WeakQuality >= 0.5;

    /// <summary>True when the strong answer counts as good enough (quality ≥ 0.5).</summary>
    public bool StrongIsGood => StrongQuality >= 0.5;
}
