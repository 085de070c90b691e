using System.Numerics.Tensors;
using Hearth.Inference.Kernels;

namespace Hearth.Inference.Engine.Sampling;

/// <summary>
/// Chooses one token from a logits vector following <see cref="SamplingOptions"/>. One instance per sequence (it owns the
/// seeded generator and scratch buffers); not thread-safe. Logits set to negative infinity (masked) are never chosen.
/// </summary>
internal sealed class Sampler
{
    private readonly SamplingOptions _options;
    private readonly SeededRandom _random;
    private readonly int[] _candidates;
    private readonly float[] _values;
    private readonly Dictionary<int, int> _counts = [];

    public Sampler(SamplingOptions options, int vocabularySize)
    {
        options.Validate();
        _options = options;
        _random = new SeededRandom(options.Seed ?? SeededRandom.RandomSeed());
        _candidates = new int[vocabularySize];
        _values = new float[vocabularySize];
    }

    /// <summary>Applies the repetition, presence and frequency penalties for the tokens of <paramref name="history"/>'s window.</summary>
    public void ApplyPenalties(Span<float> logits, ReadOnlySpan<int> history)
    {
        var o = _options;
        if (o.PenaltyWindowTokens == 0 || (o.RepetitionPenalty == 1f && o.PresencePenalty == 0f && o.FrequencyPenalty == 0f))
        {
            return;
        }
        var window = history.Length > o.PenaltyWindowTokens ? history[^o.PenaltyWindowTokens..] : history;
        _counts.Clear();
        foreach (var id in window)
        {
            if ((uint)id < (uint)logits.Length)
            {
                _counts[id] = _counts.GetValueOrDefault(id) + 1;
            }
        }
        foreach (var (id, count) in _counts)
        {
            var v = logits[id];
            if (o.RepetitionPenalty != 1f)
            {
                v = v > 0 ? v / o.RepetitionPenalty : v * o.RepetitionPenalty;
            }
            v -= (count * o.FrequencyPenalty) + o.PresencePenalty;
            logits[id] = v;
        }
    }

    /// <summary>Chooses a token; the logits must already carry penalties and masks. Throws if every token is masked.</summary>
    public int Choose(ReadOnlySpan<float> logits)
    {
        if (_options.Temperature == 0f)
        {
            return ArgMax(logits);
        }

        // Candidates: every unmasked token.
        var n = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var v = logits[i];
            if (v > float.NegativeInfinity && !float.IsNaN(v))
            {
                _candidates[n] = i;
                _values[n] = v;
                n++;
            }
        }
        if (n == 0)
        {
            ThrowNothingToChoose(logits);
        }

        var sorted = false;
        if (_options.TopK > 0 && _options.TopK < n)
        {
            SelectLargest(_values.AsSpan(0, n), _candidates.AsSpan(0, n), _options.TopK);
            n = _options.TopK;
        }
        if (_options.TopP < 1f)
        {
            SortDescending(_values.AsSpan(0, n), _candidates.AsSpan(0, n));
            sorted = true;
        }

        // Temperature, then softmax (probabilities in _values).
        var probs = _values.AsSpan(0, n);
        TensorPrimitives.Divide(probs, _options.Temperature, probs);
        VectorOps.Softmax(probs);   // max-subtracted: logits / a low temperature overflow TensorPrimitives.SoftMax to NaN

        if (sorted)
        {
            var cumulative = 0f;
            var keep = n;
            for (var i = 0; i < n; i++)
            {
                cumulative += probs[i];
                if (cumulative >= _options.TopP)
                {
                    keep = i + 1;
                    break;
                }
            }
            n = keep;
        }
        var total = 0.0;
        if (_options.MinP > 0f)
        {
            var threshold = TensorPrimitives.Max(_values.AsSpan(0, n)) * _options.MinP;
            for (var i = 0; i < n; i++)
            {
                if (_values[i] < threshold)
                {
                    _values[i] = 0f;
                }
            }
        }
        for (var i = 0; i < n; i++)
        {
            total += _values[i];
        }

        var target = _random.NextDouble() * total;
        var running = 0.0;
        var last = -1;
        for (var i = 0; i < n; i++)
        {
            if (_values[i] <= 0f)
            {
                continue;
            }
            last = i;
            running += _values[i];
            if (target < running)
            {
                return _candidates[i];
            }
        }
        return _candidates[last >= 0 ? last : 0];
    }

    /// <summary>Index of the largest logit (the first on ties); throws if every token is masked (<see cref="ModelOutputException"/> when logits are NaN).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = -1;
        var bestValue = float.NegativeInfinity;
        for (var i = 0; i < logits.Length; i++)
        {
            if (logits[i] > bestValue)
            {
                bestValue = logits[i];
                best = i;
            }
        }
        if (best < 0)
        {
            ThrowNothingToChoose(logits);
        }
        return best;
    }

    /// <summary>No finite logit: NaN from the model is a <see cref="ModelOutputException"/>; a full mask is a caller bug.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNothingToChoose(ReadOnlySpan<float> logits)
    {
        foreach (var v in logits)
        {
            if (float.IsNaN(v))
            {
                throw new ModelOutputException();
            }
        }
        throw new InvalidOperationException("Every token is masked; nothing can be chosen.");
    }

    /// <summary>Moves the <paramref name="k"/> largest values (with their ids) to the front, in no particular order (quickselect).</summary>
    internal static void SelectLargest(Span<float> values, Span<int> ids, int k)
    {
        var lo = 0;
        var hi = values.Length - 1;
        while (lo < hi)
        {
            var pivot = values[lo + ((hi - lo) / 2)];
            var i = lo;
            var j = hi;
            while (i <= j)
            {
                while (values[i] > pivot)
                {
                    i++;
                }
                while (values[j] < pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    (ids[i], ids[j]) = (ids[j], ids[i]);
                    i++;
                    j--;
                }
            }
            if (k - 1 <= j)
            {
                hi = j;
            }
            else if (k - 1 >= i)
            {
                lo = i;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Sorts values (and ids alongside) from largest to smallest; ties keep no particular order.</summary>
    internal static void SortDescending(Span<float> values, Span<int> ids)
    {
        TensorPrimitives.Negate(values, values);
        values.Sort(ids);
        TensorPrimitives.Negate(values, values);
    }
}
