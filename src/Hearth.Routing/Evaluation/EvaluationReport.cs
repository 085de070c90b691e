namespace Hearth.Routing.Evaluation;

/// <summary>Metrics and PGR curve of one router (or baseline) averaged over the test folds.</summary>
/// <param name="Name">"router", "random" or "oracle".</param>
/// <param name="Score">Mean APGR, CPT(50%), CPT(80%) over folds.</param>
/// <param name="PgrCurve">Mean PGR at escalation shares 0, 0.01, ..., 1 (101 points).</param>
public sealed record CurveSummary(string Name, RoutingScore Score, IReadOnlyList<double> PgrCurve);

/// <summary>The outcome of an offline evaluation.</summary>
/// <param name="Examples">Number of examples evaluated (test items over all folds).</param>
/// <param name="Folds">Number of folds (1 for a train/test split).</param>
/// <param name="Router">The trained router.</param>
/// <param name="Random">The random baseline (escalation order independent of the request).</param>
/// <param name="Oracle">The oracle (escalates exactly where the strong model gains, first).</param>
/// <param name="FoldApgr">Router APGR per fold.</param>
public sealed record EvaluationReport(int Examples, int Folds, CurveSummary Router, CurveSummary Random, CurveSummary Oracle, IReadOnlyList<double> FoldApgr);
