namespace Hearth.Routing.Learning;

/// <summary>
/// A small gradient-boosted ensemble of depth-limited regression trees over the dense designed features, fitted to the
/// logistic loss with (soft) labels in [0, 1] (Newton leaf values, L2 on leaves). Features are pre-binned into at most
/// <see cref="MaxBins"/> quantile bins; no sampling, so training is deterministic. Immutable after training.
/// </summary>
internal sealed class BoostedTrees
{
    public const int MaxBins = 32;

    // Flat node arrays per tree: feature (−1 = leaf), threshold (go left when value <= threshold), left, right, leaf value.
    private readonly int[][] _feature;
    private readonly double[][] _threshold;
    private readonly int[][] _left;
    private readonly int[][] _right;
    private readonly double[][] _value;

    public BoostedTrees(double bias, int[][] feature, double[][] threshold, int[][] left, int[][] right, double[][] value)
    {
        Bias = bias;
        _feature = feature;
        _threshold = threshold;
        _left = left;
        _right = right;
        _value = value;
    }

    public double Bias { get; }

    public int TreeCount => _feature.Length;

    internal (int[] Feature, double[] Threshold, int[] Left, int[] Right, double[] Value) Tree(int t) =>
        (_feature[t], _threshold[t], _left[t], _right[t], _value[t]);

    /// <summary>The ensemble's log-odds for raw dense features.</summary>
    public double Margin(ReadOnlySpan<double> dense)
    {
        double z = Bias;
        for (int t = 0; t < _feature.Length; t++)
        {
            var f = _feature[t];
            int node = 0;
            while (f[node] >= 0)
            {
                node = dense[f[node]] <= _threshold[t][node] ? _left[t][node] : _right[t][node];
            }
            z += _value[t][node];
        }
        return z;
    }

    /// <summary>Fits the ensemble.</summary>
    public static BoostedTrees Train(IReadOnlyList<double[]> xs, IReadOnlyList<double> labels, int trees, int depth, double learningRate, double lambda, int minLeaf)
    {
        int n = xs.Count, d = xs[0].Length;
        var cuts = new double[d][];
        var bins = new byte[d][];
        for (int j = 0; j < d; j++)
        {
            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = xs[i][j];
            }
            var sorted = (double[])values.Clone();
            Array.Sort(sorted);
            var c = new List<double>();
            for (int b = 1; b < MaxBins; b++)
            {
                var q = sorted[Math.Min(n - 1, b * n / MaxBins)];
                if (c.Count == 0 || q > c[^1])
                {
                    c.Add(q);
                }
            }
            cuts[j] = [.. c];
            bins[j] = new byte[n];
            for (int i = 0; i < n; i++)
            {
                int lo = 0, hi = cuts[j].Length;
                while (lo < hi)
                {
                    int mid = (lo + hi) / 2;
                    if (values[i] <= cuts[j][mid])
                    {
                        hi = mid;
                    }
                    else
                    {
                        lo = mid + 1;
                    }
                }
                bins[j][i] = (byte)lo;
            }
        }
        var prior = Math.Clamp(labels.Average(), 1e-3, 1 - 1e-3);
        var bias = Math.Log(prior / (1 - prior));
        var margin = Enumerable.Repeat(bias, n).ToArray();
        var grad = new double[n];
        var hess = new double[n];
        var featureTrees = new int[trees][];
        var thresholdTrees = new double[trees][];
        var leftTrees = new int[trees][];
        var rightTrees = new int[trees][];
        var valueTrees = new double[trees][];
        var histG = new double[MaxBins];
        var histH = new double[MaxBins];
        var histN = new int[MaxBins];
        for (int t = 0; t < trees; t++)
        {
            for (int i = 0; i < n; i++)
            {
                var p = LogisticModel.Sigmoid(margin[i]);
                grad[i] = labels[i] - p;
                hess[i] = Math.Max(p * (1 - p), 1e-6);
            }
            var feature = new List<int>();
            var threshold = new List<double>();
            var left = new List<int>();
            var right = new List<int>();
            var value = new List<double>();
            var assignment = new int[n];
            var frontier = new List<(int Node, int[] Rows)> { (0, Enumerable.Range(0, n).ToArray()) };
            feature.Add(-1);
            threshold.Add(0);
            left.Add(-1);
            right.Add(-1);
            value.Add(0);
            for (int level = 0; level <= depth; level++)
            {
                var next = new List<(int Node, int[] Rows)>();
                foreach (var (node, rows) in frontier)
                {
                    double g = 0, h = 0;
                    foreach (var i in rows)
                    {
                        g += grad[i];
                        h += hess[i];
                    }
                    value[node] = learningRate * g / (h + lambda);
                    if (level == depth || rows.Length < 2 * minLeaf)
                    {
                        continue;
                    }
                    var parentScore = g * g / (h + lambda);
                    double bestGain = 1e-9;
                    int bestFeature = -1, bestBin = -1;
                    for (int j = 0; j < d; j++)
                    {
                        int nb = cuts[j].Length + 1;
                        if (nb < 2)
                        {
                            continue;
                        }
                        Array.Clear(histG, 0, nb);
                        Array.Clear(histH, 0, nb);
                        Array.Clear(histN, 0, nb);
                        var bj = bins[j];
                        foreach (var i in rows)
                        {
                            histG[bj[i]] += grad[i];
                            histH[bj[i]] += hess[i];
                            histN[bj[i]]++;
                        }
                        double gl = 0, hl = 0;
                        int nl = 0;
                        for (int b = 0; b < nb - 1; b++)
                        {
                            gl += histG[b];
                            hl += histH[b];
                            nl += histN[b];
                            if (nl < minLeaf || rows.Length - nl < minLeaf)
                            {
                                continue;
                            }
                            var gr = g - gl;
                            var hr = h - hl;
                            var gain = (gl * gl / (hl + lambda)) + (gr * gr / (hr + lambda)) - parentScore;
                            if (gain > bestGain)
                            {
                                bestGain = gain;
                                bestFeature = j;
                                bestBin = b;
                            }
                        }
                    }
                    if (bestFeature < 0)
                    {
                        continue;
                    }
                    var leftRows = rows.Where(i => bins[bestFeature][i] <= bestBin).ToArray();
                    var rightRows = rows.Where(i => bins[bestFeature][i] > bestBin).ToArray();
                    feature[node] = bestFeature;
                    threshold[node] = cuts[bestFeature][bestBin];
                    left[node] = feature.Count;
                    next.Add((feature.Count, leftRows));
                    feature.Add(-1);
                    threshold.Add(0);
                    left.Add(-1);
                    right.Add(-1);
                    value.Add(0);
                    right[node] = feature.Count;
                    next.Add((feature.Count, rightRows));
                    feature.Add(-1);
                    threshold.Add(0);
                    left.Add(-1);
                    right.Add(-1);
                    value.Add(0);
                }
                frontier = next;
            }
            featureTrees[t] = [.. feature];
            thresholdTrees[t] = [.. threshold];
            leftTrees[t] = [.. left];
            rightTrees[t] = [.. right];
            valueTrees[t] = [.. value];
            var tree = new BoostedTrees(0, [featureTrees[t]], [thresholdTrees[t]], [leftTrees[t]], [rightTrees[t]], [valueTrees[t]]);
            for (int i = 0; i < n; i++)
            {
                margin[i] += tree.Margin(xs[i]);
            }
        }
        return new BoostedTrees(bias, featureTrees, thresholdTrees, leftTrees, rightTrees, valueTrees);
    }
}
