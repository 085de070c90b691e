using Hearth.Routing.Features;
using Hearth.Routing.Learning;

namespace Hearth.Routing.Evaluation;

/// <summary>Offline evaluation of trained routers with RouteLLM's metrics, by k-fold cross-validation or a train/test split.</summary>
public static class RouterEvaluator
{
    private const int GridPoints = 101;

    /// <summary>k-fold cross-validation: each fold is scored by a router trained on the other folds only.</summary>
    public static EvaluationReport CrossValidate(IReadOnlyList<RoutingExample> examples, int folds, RouterTrainingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        var assignment = KFold.Assign(examples, folds, options.Seed);
        var xs = RouterTrainer.Featurize(new Featurizer(options.HashBits, options.Kind == RouterKind.Cascade), examples);
        var parts = new List<Part>();
        for (int f = 0; f < folds; f++)
        {
            var train = new Part();
            var test = new Part();
            for (int i = 0; i < examples.Count; i++)
            {
                var p = assignment[i] == f ? test : train;
                p.Examples.Add(examples[i]);
                p.Features.Add(xs[i]);
            }
            parts.Add(train);
            parts.Add(test);
        }
        return Run(parts, options, cancellationToken);
    }

    /// <summary>Trains on one set and tests on another.</summary>
    public static EvaluationReport TrainTest(IReadOnlyList<RoutingExample> train, IReadOnlyList<RoutingExample> test, RouterTrainingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        var featurizer = new Featurizer(options.HashBits, options.Kind == RouterKind.Cascade);
        var a = new Part();
        a.Examples.AddRange(train);
        a.Features.AddRange(RouterTrainer.Featurize(featurizer, train));
        var b = new Part();
        b.Examples.AddRange(test);
        b.Features.AddRange(RouterTrainer.Featurize(featurizer, test));
        return Run([a, b], options, cancellationToken);
    }

    private sealed class Part
    {
        public List<RoutingExample> Examples { get; } = [];

        public List<FeatureVector> Features { get; } = [];
    }

    // parts: train, test, train, test, ...
    private static EvaluationReport Run(List<Part> parts, RouterTrainingOptions options, CancellationToken cancellationToken)
    {
        var routerCurves = new List<RoutingCurve>();
        var randomCurves = new List<RoutingCurve>();
        var oracleCurves = new List<RoutingCurve>();
        int total = 0;
        for (int f = 0; f < parts.Count; f += 2)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = parts[f];
            var test = parts[f + 1].Examples;
            var model = RouterTrainer.Train(train.Features, train.Examples, options);
            var scores = parts[f + 1].Features.Select(model.Score).ToArray();
            routerCurves.Add(RoutingCurve.Build(scores, test));
            randomCurves.Add(RoutingCurve.Build(new double[test.Count], test));
            oracleCurves.Add(RoutingCurve.Build(test.Select(e => e.StrongQuality - e.WeakQuality).ToArray(), test));
            total += test.Count;
        }
        return new EvaluationReport(
            total,
            parts.Count / 2,
            Summarize("router", routerCurves),
            Summarize("random", randomCurves),
            Summarize("oracle", oracleCurves),
            routerCurves.Select(c => c.Apgr()).ToArray());
    }

    private static CurveSummary Summarize(string name, List<RoutingCurve> curves)
    {
        var grid = new double[GridPoints];
        foreach (var c in curves)
        {
            for (int i = 0; i < GridPoints; i++)
            {
                grid[i] += c.Pgr(i / (double)(GridPoints - 1)) / curves.Count;
            }
        }
        return new CurveSummary(name, RoutingScore.Mean(curves.Select(RoutingScore.Of).ToArray()), grid);
    }
}
