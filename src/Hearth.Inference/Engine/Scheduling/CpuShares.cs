namespace Hearth.Inference.Engine.Scheduling;

/// <summary>Splits one forward step's CPU time among the sequences in it, in proportion to their tokens in that step.</summary>
internal static class CpuShares
{
    /// <summary>
    /// <c>shares[i] = seconds × tokens[i] / Σ tokens</c>. A NaN or negative <paramref name="seconds"/> (no per-thread clock, or a
    /// clock read that went wrong) gives NaN shares, so nobody is charged a made-up figure.
    /// </summary>
    public static void Split(double seconds, ReadOnlySpan<int> tokens, Span<double> shares)
    {
        if (shares.Length < tokens.Length)
        {
            throw new ArgumentException($"{shares.Length} shares for {tokens.Length} sequences.", nameof(shares));
        }
        long total = 0;
        foreach (var t in tokens)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(t, nameof(tokens));
            total += t;
        }
        var valid = !double.IsNaN(seconds) && seconds >= 0 && total > 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            shares[i] = valid ? seconds * tokens[i] / total : double.NaN;
        }
    }
}
