namespace Hearth.TestSupport;

/// <summary>Waits for work a test started in the background (a refresh, a flush) without asserting how fast it is.</summary>
public static class Eventually
{
    /// <summary>
    /// Generous bound for background work on a shared 2-core machine: it only turns "never happens" into a failure instead of
    /// a hang, and is not a speed bar (the work normally takes milliseconds).
    /// </summary>
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <see cref="DefaultBound"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, CancellationToken cancellationToken = default)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(DefaultBound);
        while (!condition())
        {
            try
            {
                await Task.Delay(10, bound.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{what} did not happen within {DefaultBound.TotalSeconds} s.");
            }
        }
    }
}
