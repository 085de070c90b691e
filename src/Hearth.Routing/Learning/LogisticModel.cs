using Hearth.Routing.Features;

namespace Hearth.Routing.Learning;

/// <summary>
/// Logistic regression over hashed sparse features plus standardized dense features.
/// Immutable after training; thread-safe for scoring.
/// </summary>
internal sealed class LogisticModel
{
    public LogisticModel(float[] sparseWeights, double[] denseWeights, double[] denseMean, double[] denseScale, double bias)
    {
        if (denseWeights.Length != denseMean.Length || denseMean.Length != denseScale.Length)
        {
            throw new ArgumentException("Dense weight, mean and scale arrays must have the same length.", nameof(denseWeights));
        }
        SparseWeights = sparseWeights;
        DenseWeights = denseWeights;
        DenseMean = denseMean;
        DenseScale = denseScale;
        Bias = bias;
    }

    public float[] SparseWeights { get; }

    public double[] DenseWeights { get; }

    public double[] DenseMean { get; }

    public double[] DenseScale { get; }

    public double Bias { get; }

    /// <summary>The linear score (log-odds) of a feature vector.</summary>
    public double Margin(FeatureVector x)
    {
        double z = Bias;
        for (int i = 0; i < x.Indices.Length; i++)
        {
            z += SparseWeights[x.Indices[i]] * x.Values[i];
        }
        for (int j = 0; j < DenseWeights.Length; j++)
        {
            z += DenseWeights[j] * Standardize(x.Dense[j], j);
        }
        return z;
    }

    /// <summary>The probability of the positive class.</summary>
    public double Probability(FeatureVector x) => Sigmoid(Margin(x));

    public double Standardize(double value, int j) => Math.Clamp((value - DenseMean[j]) / DenseScale[j], -6, 6);

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
