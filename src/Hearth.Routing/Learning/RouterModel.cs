using Hearth.Routing.Features;

namespace Hearth.Routing.Learning;

/// <summary>
/// A trained router: an escalation score in (0, 1) — by default the learned expected gain of sending the request to the
/// large model, (P(strong good) − P(weak good) + 1) / 2 — from the prompt (<see cref="RouterKind.Predictive"/>) or the
/// prompt and the small model's answer (<see cref="RouterKind.Cascade"/>). Higher means escalate first.
/// Carries a calibration table (score quantiles on its training data and the quality recovered at each) so a threshold
/// can be chosen for a target escalation share or a target quality. Immutable and thread-safe.
/// </summary>
public sealed class RouterModel
{
    internal RouterModel(RouterKind kind, int hashBits, LogisticModel model, BoostedTrees? trees, double[] quantileScores, double[] quantilePgr)
    {
        Kind = kind;
        Featurizer = new Featurizer(hashBits, kind == RouterKind.Cascade);
        Model = model;
        Trees = trees;
        QuantileScores = quantileScores;
        QuantilePgr = quantilePgr;
    }

    /// <summary>Which inputs the model reads.</summary>
    public RouterKind Kind { get; }

    internal Featurizer Featurizer { get; }

    internal LogisticModel Model { get; }

    /// <summary>Optional boosted trees over the dense features (averaged with the regression in log-odds).</summary>
    internal BoostedTrees? Trees { get; }

    /// <summary>Score quantiles on the training data: entry i is the score above which a share i/100 of requests would escalate.</summary>
    internal double[] QuantileScores { get; }

    /// <summary>In-sample PGR when escalating share i/100 (for quality-targeted calibration).</summary>
    internal double[] QuantilePgr { get; }

    /// <summary>The escalation score (0..1, higher = escalate first); the answer is ignored by predictive routers.</summary>
    public double EscalationScore(string prompt, string? answer = null) => Score(Featurizer.Featurize(prompt, answer));

    internal double Score(FeatureVector x) => Trees is null
        ? Model.Probability(x)
        : LogisticModel.Sigmoid((Model.Margin(x) + Trees.Margin(x.Dense)) / 2);

    /// <summary>The score threshold that escalates about the given share of requests (as seen on the training data).</summary>
    public double ThresholdForEscalationShare(double share)
    {
        if (double.IsNaN(share) || share < 0 || share > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "The escalation share must be in [0, 1].");
        }
        var i = (int)Math.Round(share * 100);
        return i switch
        {
            0 => double.PositiveInfinity,
            100 => double.NegativeInfinity,
            _ => QuantileScores[i],
        };
    }

    /// <summary>The threshold of the smallest escalation share whose training-data PGR reaches the target (0..1).</summary>
    public double ThresholdForQuality(double targetPgr)
    {
        for (int i = 0; i <= 100; i++)
        {
            if (QuantilePgr[i] >= targetPgr)
            {
                return i == 0 ? double.PositiveInfinity : QuantileScores[i];
            }
        }
        return QuantileScores[100];
    }
}
