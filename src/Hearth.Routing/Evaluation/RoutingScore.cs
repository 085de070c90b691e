namespace Hearth.Routing.Evaluation;

/// <summary>RouteLLM metrics of one router on one test set.</summary>
/// <param name="Apgr">Area under PGR over escalation share c ∈ [0, 1].</param>
/// <param name="Cpt50">Smallest escalation share reaching PGR ≥ 0.5.</param>
/// <param name="Cpt80">Smallest escalation share reaching PGR ≥ 0.8.</param>
public sealed record RoutingScore(double Apgr, double Cpt50, double Cpt80)
{
    /// <summary>Computes the metrics of a curve.</summary>
    public static RoutingScore Of(RoutingCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return new RoutingScore(curve.Apgr(), curve.Cpt(0.5), curve.Cpt(0.8));
    }

    /// <summary>Mean of several scores (e.g. over folds).</summary>
    public static RoutingScore Mean(IReadOnlyList<RoutingScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return new RoutingScore(
            scores.Average(s => s.Apgr),
            scores.Average(s => s.Cpt50),
            scores.Average(s => s.Cpt80));
    }
}
