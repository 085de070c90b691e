using Hearth.Routing.Carbon;
using Hearth.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Routing.Tests.Carbon;

public sealed class OnSiteShareSignalTests
{
    private static readonly TimeSpan s_cache = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task GetAsync_FirstRead_AwaitedAndClampedToOne()
    {
        var signal = new OnSiteShareSignal(_ => Task.FromResult(1.7), s_cache, TimeSpan.FromSeconds(5), _time);

        Assert.Equal(1.0, await signal.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_ReadFails_NullNoSurplusAssumed()
    {
        var signal = new OnSiteShareSignal(_ => Task.FromException<double>(new HttpRequestException("down")), s_cache, TimeSpan.FromSeconds(5), _time);

        Assert.Null(await signal.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_WithinCacheDuration_ReadOnce()
    {
        var reads = 0;
        var signal = new OnSiteShareSignal(_ => Task.FromResult(Interlocked.Increment(ref reads) * 0.1), s_cache, TimeSpan.FromSeconds(5), _time);

        var first = await signal.GetAsync(CancellationToken.None);
        _time.Advance(s_cache - TimeSpan.FromSeconds(1));
        var second = await signal.GetAsync(CancellationToken.None);

        Assert.Equal(0.1, first);
        Assert.Equal(0.1, second);
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task GetAsync_CacheExpired_ReturnsCachedShareAndRefreshesInBackground()
    {
        var reads = 0;
        var release = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var signal = new OnSiteShareSignal(_ => Interlocked.Increment(ref reads) == 1 ? Task.FromResult(0.25) : release.Task, s_cache, TimeSpan.FromSeconds(30), _time);
        await signal.GetAsync(CancellationToken.None);
        _time.Advance(s_cache);

        var stale = await signal.GetAsync(CancellationToken.None);
        release.SetResult(0.75);
        double? fresh = null;
        await Eventually.TrueAsync(() =>
        {
            // Within the cache duration again once the refresh ends: completes synchronously with the latest share.
            fresh = signal.GetAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return fresh == 0.75;
        }, "the background refresh");

        Assert.Equal(0.25, stale);
        Assert.Equal(0.75, fresh);
        Assert.Equal(2, reads);
    }
}
