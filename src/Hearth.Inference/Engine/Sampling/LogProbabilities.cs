using System.Numerics.Tensors;

namespace Hearth.Inference.Engine.Sampling;

/// <summary>Log-softmax helpers over a logits vector (natural logs, temperature 1).</summary>
internal static class LogProbabilities
{
    /// <summary>log(sum(exp(logits))), computed stably; <paramref name="scratch"/> must be at least as long as the logits.</summary>
    public static float LogSumExp(ReadOnlySpan<float> logits, Span<float> scratch)
    {
        var max = TensorPrimitives.Max(logits);
        var work = scratch[..logits.Length];
        TensorPrimitives.Subtract(logits, max, work);
        TensorPrimitives.Exp(work, work);
        return max + MathF.Log(TensorPrimitives.Sum(work));
    }

    /// <summary>Fills <paramref name="ids"/> with the ids of the largest logits, largest first (ties: lower id first).</summary>
    public static int TopIds(ReadOnlySpan<float> logits, Span<int> ids)
    {
        var k = Math.Min(ids.Length, logits.Length);
        var count = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var v = logits[i];
            if (float.IsNaN(v))
            {
                continue;
            }
            if (count == k && !(v > logits[ids[k - 1]]))
            {
                continue;
            }
            var slot = count < k ? count++ : k - 1;
            while (slot > 0 && v > logits[ids[slot - 1]])
            {
                ids[slot] = ids[slot - 1];
                slot--;
            }
            ids[slot] = i;
        }
        return count;
    }
}
