namespace Hearth.Routing.Evaluation;

/// <summary>
/// The quality-vs-escalation curve of one router on one test set, with RouteLLM's metrics.
/// Items are escalated in decreasing order of the router's score; items with equal scores are escalated
/// as a group in random order, so within a tie the expected quality is linear (a constant-score router is the random router).
/// Point k (k = 0..n) escalates k items: share c = k/n; PGR(c) = (quality(c) − weak) / (strong − weak).
/// </summary>
public sealed class RoutingCurve
{
    private RoutingCurve(double[] quality, double weak, double strong)
    {
        Quality = quality;
        WeakQuality = weak;
        StrongQuality = strong;
    }

    /// <summary>Mean quality after escalating k of n items, for k = 0..n.</summary>
    public IReadOnlyList<double> Quality { get; }

    /// <summary>Mean quality of the weak model alone (c = 0).</summary>
    public double WeakQuality { get; }

    /// <summary>Mean quality of the strong model alone (c = 1).</summary>
    public double StrongQuality { get; }

    /// <summary>Number of test items.</summary>
    public int Count => Quality.Count - 1;

    /// <summary>Builds the curve for scores (higher = escalate first) over examples.</summary>
    /// <exception cref="ArgumentException">Lengths differ, the set is empty, or strong and weak have equal quality (PGR undefined).</exception>
    public static RoutingCurve Build(IReadOnlyList<double> scores, IReadOnlyList<RoutingExample> examples)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(examples);
        if (scores.Count != examples.Count)
        {
            throw new ArgumentException($"{scores.Count} scores for {examples.Count} examples.", nameof(scores));
        }
        int n = examples.Count;
        if (n == 0)
        {
            throw new ArgumentException("The test set is empty.", nameof(examples));
        }
        double weakSum = 0, strongSum = 0;
        foreach (var e in examples)
        {
            weakSum += e.WeakQuality;
            strongSum += e.StrongQuality;
        }
        if (Math.Abs(strongSum - weakSum) < 1e-12)
        {
            throw new ArgumentException("Strong and weak models have the same mean quality on this set; PGR is undefined.", nameof(examples));
        }
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN.", nameof(scores));
            }
        }
        var order = Enumerable.Range(0, n).ToArray();
        var keys = order.Select(i => -scores[i]).ToArray();
        Array.Sort(keys, order);
        var sums = new double[n + 1];
        sums[0] = weakSum;
        int k = 0;
        while (k < n)
        {
            int end = k;
            double groupDelta = 0;
            while (end < n && scores[order[end]] == scores[order[k]])
            {
                var e = examples[order[end]];
                groupDelta += e.StrongQuality - e.WeakQuality;
                end++;
            }
            int size = end - k;
            for (int j = 1; j <= size; j++)
            {
                sums[k + j] = sums[k] + groupDelta * j / size;
            }
            k = end;
        }
        var quality = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            quality[i] = sums[i] / n;
        }
        return new RoutingCurve(quality, weakSum / n, strongSum / n);
    }

    /// <summary>Performance gap recovered at point k (share k/n escalated).</summary>
    public double PgrAt(int k) => (Quality[k] - WeakQuality) / (StrongQuality - WeakQuality);

    /// <summary>PGR at escalation share c ∈ [0, 1], linearly interpolated between points.</summary>
    public double Pgr(double share)
    {
        var x = Math.Clamp(share, 0, 1) * Count;
        int lo = (int)Math.Floor(x);
        if (lo >= Count)
        {
            return PgrAt(Count);
        }
        var t = x - lo;
        return (PgrAt(lo) * (1 - t)) + (PgrAt(lo + 1) * t);
    }

    /// <summary>APGR: area under PGR(c) over c ∈ [0, 1] (trapezoid rule over the n + 1 points).</summary>
    public double Apgr()
    {
        double area = 0;
        for (int k = 1; k <= Count; k++)
        {
            area += (PgrAt(k - 1) + PgrAt(k)) / 2;
        }
        return area / Count;
    }

    /// <summary>
    /// CPT(x): the smallest escalation share c at which PGR(c) ≥ x (linear interpolation between points);
    /// NaN when even c = 1 does not reach it.
    /// </summary>
    public double Cpt(double pgrTarget)
    {
        if (PgrAt(0) >= pgrTarget)
        {
            return 0;
        }
        for (int k = 1; k <= Count; k++)
        {
            var hi = PgrAt(k);
            if (hi >= pgrTarget)
            {
                var lo = PgrAt(k - 1);
                var t = (pgrTarget - lo) / (hi - lo);
                return (k - 1 + t) / Count;
            }
        }
        return double.NaN;
    }
}
