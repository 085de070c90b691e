using Hearth.Routing.Features;

namespace Hearth.Routing.Learning;

/// <summary>Hyper-parameters of <see cref="LogisticTrainer"/>.</summary>
/// <param name="Epochs">Passes over the data.</param>
/// <param name="LearningRate">AdaGrad base step.</param>
/// <param name="L2">L2 penalty per update on the touched weights.</param>
/// <param name="Seed">Seed of the example-order shuffle (training is deterministic for a seed).</param>
internal sealed record LogisticOptions(int Epochs = 8, double LearningRate = 0.1, double L2 = 1e-4, int Seed = 20260515);

/// <summary>
/// Trains <see cref="LogisticModel"/> with AdaGrad stochastic gradient descent and L2, single-threaded and seeded,
/// so the same data and options always give the same weights. Labels are in [0, 1] (soft labels allowed).
/// </summary>
internal static class LogisticTrainer
{
    public static LogisticModel Train(IReadOnlyList<FeatureVector> xs, IReadOnlyList<double> labels, int hashSize, LogisticOptions options)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(labels);
        if (xs.Count != labels.Count || xs.Count == 0)
        {
            throw new ArgumentException($"{xs.Count} feature vectors for {labels.Count} labels.", nameof(labels));
        }
        int denseCount = xs[0].Dense.Length;
        var mean = new double[denseCount];
        var scale = new double[denseCount];
        foreach (var x in xs)
        {
            for (int j = 0; j < denseCount; j++)
            {
                mean[j] += x.Dense[j];
            }
        }
        for (int j = 0; j < denseCount; j++)
        {
            mean[j] /= xs.Count;
        }
        foreach (var x in xs)
        {
            for (int j = 0; j < denseCount; j++)
            {
                var d = x.Dense[j] - mean[j];
                scale[j] += d * d;
            }
        }
        for (int j = 0; j < denseCount; j++)
        {
            scale[j] = Math.Max(Math.Sqrt(scale[j] / xs.Count), 1e-6);
        }
        var sparse = new float[hashSize];
        var sparseG = new float[hashSize];
        var dense = new double[denseCount];
        var denseG = new double[denseCount];
        double bias = 0, biasG = 0;
        double prior = labels.Average();
        bias = Math.Log(Math.Clamp(prior, 1e-3, 1 - 1e-3) / (1 - Math.Clamp(prior, 1e-3, 1 - 1e-3)));
        var order = Enumerable.Range(0, xs.Count).ToArray();
        var rng = new Random(options.Seed);
        var standardized = new double[denseCount];
        var lr = options.LearningRate;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            foreach (var n in order)
            {
                var x = xs[n];
                double z = bias;
                for (int i = 0; i < x.Indices.Length; i++)
                {
                    z += sparse[x.Indices[i]] * x.Values[i];
                }
                for (int j = 0; j < denseCount; j++)
                {
                    standardized[j] = Math.Clamp((x.Dense[j] - mean[j]) / scale[j], -6, 6);
                    z += dense[j] * standardized[j];
                }
                var g = LogisticModel.Sigmoid(z) - labels[n];
                for (int i = 0; i < x.Indices.Length; i++)
                {
                    var k = x.Indices[i];
                    var grad = (g * x.Values[i]) + (options.L2 * sparse[k]);
                    sparseG[k] += (float)(grad * grad);
                    sparse[k] -= (float)(lr * grad / Math.Sqrt(sparseG[k] + 1e-8));
                }
                for (int j = 0; j < denseCount; j++)
                {
                    var grad = (g * standardized[j]) + (options.L2 * dense[j]);
                    denseG[j] += grad * grad;
                    dense[j] -= lr * grad / Math.Sqrt(denseG[j] + 1e-8);
                }
                biasG += g * g;
                bias -= lr * g / Math.Sqrt(biasG + 1e-8);
            }
        }
        return new LogisticModel(sparse, dense, mean, scale, bias);
    }
}
