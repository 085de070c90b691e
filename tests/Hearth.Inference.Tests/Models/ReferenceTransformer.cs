using Hearth.Inference.Gguf;

namespace Hearth.Inference.Tests.Models;

/// <summary>A deliberately plain, double-precision forward pass over <see cref="TinyModel"/>'s weights (the test oracle).</summary>
internal sealed class ReferenceTransformer(TinyModel m)
{
    private readonly List<double[]>[] _keys = Enumerable.Range(0, m.Layers).Select(_ => new List<double[]>()).ToArray();
    private readonly List<double[]>[] _values = Enumerable.Range(0, m.Layers).Select(_ => new List<double[]>()).ToArray();

    /// <summary>Feeds one token; returns the logits.</summary>
    public double[] Step(int token)
    {
        var position = _keys[0].Count;
        var x = Row(GgufNames.TokenEmbedding, token, m.Dim);
        for (var l = 0; l < m.Layers; l++)
        {
            var xb = Norm(x, m.Weights[GgufNames.AttnNorm(l)]);
            var q = MatVec(GgufNames.AttnQ(l), xb, m.Dim, m.Dim);
            var k = MatVec(GgufNames.AttnK(l), xb, m.KvDim, m.Dim);
            var v = MatVec(GgufNames.AttnV(l), xb, m.KvDim, m.Dim);
            if (m.Bias)
            {
                AddInPlace(q, m.Weights[GgufNames.AttnQBias(l)]);
                AddInPlace(k, m.Weights[GgufNames.AttnKBias(l)]);
                AddInPlace(v, m.Weights[GgufNames.AttnVBias(l)]);
            }
            Rope(q, m.Heads, position);
            Rope(k, m.KvHeads, position);
            _keys[l].Add(k);
            _values[l].Add(v);
            var attention = new double[m.Dim];
            var group = m.Heads / m.KvHeads;
            for (var h = 0; h < m.Heads; h++)
            {
                var kvh = h / group;
                var scores = new double[position + 1];
                for (var p = 0; p <= position; p++)
                {
                    for (var d = 0; d < m.HeadDim; d++)
                    {
                        scores[p] += q[(h * m.HeadDim) + d] * _keys[l][p][(kvh * m.HeadDim) + d];
                    }
                    scores[p] /= Math.Sqrt(m.HeadDim);
                }
                var max = scores.Max();
                var e = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = e.Sum();
                for (var p = 0; p <= position; p++)
                {
                    for (var d = 0; d < m.HeadDim; d++)
                    {
                        attention[(h * m.HeadDim) + d] += e[p] / sum * _values[l][p][(kvh * m.HeadDim) + d];
                    }
                }
            }
            AddInPlace(x, MatVec(GgufNames.AttnOutput(l), attention, m.Dim, m.Dim));
            xb = Norm(x, m.Weights[GgufNames.FfnNorm(l)]);
            var gate = MatVec(GgufNames.FfnGate(l), xb, m.Hidden, m.Dim);
            var up = MatVec(GgufNames.FfnUp(l), xb, m.Hidden, m.Dim);
            var h2 = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
            AddInPlace(x, MatVec(GgufNames.FfnDown(l), h2, m.Dim, m.Hidden));
        }
        var final = Norm(x, m.Weights[GgufNames.OutputNorm]);
        return MatVec(m.Tied ? GgufNames.TokenEmbedding : GgufNames.Output, final, TinyModel.Vocab, m.Dim);
    }

    private void Rope(double[] v, int heads, int position)
    {
        var half = m.HeadDim / 2;
        for (var h = 0; h < heads; h++)
        {
            for (var i = 0; i < half; i++)
            {
                var theta = position * Math.Pow(m.RopeBase, -2.0 * i / m.HeadDim);
                // llama: adjacent pairs; qwen2 (NeoX): halves.
                var (ia, ib) = m.Architecture == "qwen2" ? ((h * m.HeadDim) + i, (h * m.HeadDim) + i + half) : ((h * m.HeadDim) + (2 * i), (h * m.HeadDim) + (2 * i) + 1);
                var a = v[ia];
                var b = v[ib];
                v[ia] = (a * Math.Cos(theta)) - (b * Math.Sin(theta));
                v[ib] = (a * Math.Sin(theta)) + (b * Math.Cos(theta));
            }
        }
    }

    private double[] Row(string name, int row, int cols) => m.Weights[name].Skip(row * cols).Take(cols).Select(f => (double)f).ToArray();

    private double[] MatVec(string name, double[] x, int rows, int cols)
    {
        var w = m.Weights[name];
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                y[r] += w[(r * cols) + c] * x[c];
            }
        }
        return y;
    }

    private static double[] Norm(double[] x, float[] w)
    {
        var rms = Math.Sqrt((x.Sum(v => v * v) / x.Length) + 1e-5);
        return x.Select((v, i) => v / rms * w[i]).ToArray();
    }

    private static void AddInPlace(double[] x, IReadOnlyList<double> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += y[i];
        }
    }

    private static void AddInPlace(double[] x, float[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += y[i];
        }
    }
}
