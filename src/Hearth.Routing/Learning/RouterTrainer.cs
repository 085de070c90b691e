using Hearth.Routing.Evaluation;
using Hearth.Routing.Features;

namespace Hearth.Routing.Learning;

/// <summary>Training settings of a router.</summary>
/// <param name="Kind">Predictive (prompt only) or cascade (prompt + small model's answer).</param>
/// <param name="HashBits">Size of the hashed feature space (2^bits weights).</param>
/// <param name="Epochs">Passes over the data.</param>
/// <param name="LearningRate">AdaGrad base step.</param>
/// <param name="L2">L2 penalty.</param>
/// <param name="Seed">Seed; the same data, settings and seed give the same model byte for byte.</param>
/// <param name="Target">What the score estimates.</param>
/// <param name="Trees">Boosted trees over the dense features, averaged with the regression in log-odds (0 = none).</param>
/// <param name="TreeDepth">Depth of each tree.</param>
/// <param name="TreeLearningRate">Shrinkage of each tree.</param>
public sealed record RouterTrainingOptions(
    RouterKind Kind = RouterKind.Predictive,
    int HashBits = 16,
    int Epochs = 4,
    double LearningRate = 0.05,
    double L2 = 1e-3,
    int Seed = 20260515,
    RouterTarget Target = RouterTarget.Gain,
    int Trees = 60,
    int TreeDepth = 2,
    double TreeLearningRate = 0.1);

/// <summary>What the router learns to predict.</summary>
public enum RouterTarget
{
    /// <summary>The probability that the small model's answer is not good enough.</summary>
    WeakFails = 1,

    /// <summary>The expected gain of escalating: soft label (strong − weak + 1) / 2.</summary>
    Gain = 2,
}

/// <summary>Trains a <see cref="RouterModel"/> from routing examples (label: the small model's answer is not good enough).</summary>
public static class RouterTrainer
{
    /// <summary>Trains a router; cascade routers need <see cref="RoutingExample.WeakResponse"/> on every example.</summary>
    /// <exception cref="RoutingDataException">A cascade is asked for but an example has no weak response.</exception>
    public static RouterModel Train(IReadOnlyList<RoutingExample> examples, RouterTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        if (examples.Count < 10)
        {
            throw new RoutingDataException($"At least 10 examples are needed to train a router; got {examples.Count}.");
        }
        var featurizer = new Featurizer(options.HashBits, options.Kind == RouterKind.Cascade);
        return Train(Featurize(featurizer, examples), examples, options);
    }

    /// <summary>Trains on already-featurized examples (the evaluator featurizes once for all folds).</summary>
    internal static RouterModel Train(IReadOnlyList<FeatureVector> xs, IReadOnlyList<RoutingExample> examples, RouterTrainingOptions options)
    {
        var featurizer = new Featurizer(options.HashBits, options.Kind == RouterKind.Cascade);
        var labels = examples.Select(e => Label(e, options.Target)).ToArray();
        var model = LogisticTrainer.Train(xs, labels, featurizer.HashSize,
            new LogisticOptions(options.Epochs, options.LearningRate, options.L2, options.Seed));
        BoostedTrees? trees = options.Trees > 0
            ? BoostedTrees.Train(xs.Select(x => x.Dense).ToArray(), labels, options.Trees, options.TreeDepth, options.TreeLearningRate, lambda: 1.0, minLeaf: 20)
            : null;
        var draft = new RouterModel(options.Kind, options.HashBits, model, trees, new double[101], new double[101]);
        var scores = xs.Select(draft.Score).ToArray();
        var (quantiles, pgr) = Calibrate(scores, examples);
        return new RouterModel(options.Kind, options.HashBits, model, trees, quantiles, pgr);
    }

    /// <summary>The training label for a target.</summary>
    internal static double Label(RoutingExample e, RouterTarget target) => target == RouterTarget.Gain
        ? (e.StrongQuality - e.WeakQuality + 1) / 2
        : 1 - e.WeakQuality;

    internal static FeatureVector[] Featurize(Featurizer featurizer, IReadOnlyList<RoutingExample> examples)
    {
        if (featurizer.UseAnswer)
        {
            var missing = examples.Count(e => e.WeakResponse is null);
            if (missing > 0)
            {
                var first = examples.First(e => e.WeakResponse is null).Prompt;
                var cut = first.Length > 60 && char.IsHighSurrogate(first[59]) ? 59 : 60;
                var excerpt = first.Length > 60 ? string.Concat(first.AsSpan(0, cut), "…") : first;
                throw new RoutingDataException(
                    $"{missing} of {examples.Count} examples have no weak_response (first: prompt \"{excerpt.ReplaceLineEndings(" ")}\"); "
                    + "the cascade scorer is trained on (prompt, weak answer) pairs: use --router predictive for prompt-only data.");
            }
        }
        var xs = new FeatureVector[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            xs[i] = featurizer.Featurize(e.Prompt, e.WeakResponse);
        }
        return xs;
    }

    private static (double[] Quantiles, double[] Pgr) Calibrate(double[] scores, IReadOnlyList<RoutingExample> examples)
    {
        var sorted = scores.OrderByDescending(s => s).ToArray();
        var quantiles = new double[101];
        for (int i = 1; i <= 100; i++)
        {
            var k = Math.Max(1, (int)Math.Round(i / 100.0 * sorted.Length));
            quantiles[i] = sorted[k - 1];
        }
        quantiles[0] = double.PositiveInfinity;
        var pgr = new double[101];
        RoutingCurve curve;
        try
        {
            curve = RoutingCurve.Build(scores, examples);
        }
        catch (ArgumentException)
        {
            return (quantiles, pgr);
        }
        for (int i = 0; i <= 100; i++)
        {
            pgr[i] = curve.Pgr(i / 100.0);
        }
        return (quantiles, pgr);
    }
}
