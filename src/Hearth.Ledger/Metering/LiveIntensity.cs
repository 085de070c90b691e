using Hearth.Ledger.Carbon;

namespace Hearth.Ledger.Metering;

/// <summary>
/// Holds the current intensity reading so the request path never waits on I/O: <see cref="Current"/> is read
/// synchronously; when it is older than the refresh interval, one background refresh is started.
/// </summary>
public sealed class LiveIntensity
{
    private readonly ICarbonIntensitySource _source;
    private readonly string _location;
    private readonly TimeSpan _refreshEvery;
    private readonly TimeProvider _time;
    private IntensityReading _current;
    private long _fetchedAtUtcTicks;
    private int _refreshing;

    public LiveIntensity(ICarbonIntensitySource source, string location, IntensityReading initial, TimeSpan refreshEvery, TimeProvider? time = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _location = location;
        _current = initial ?? throw new ArgumentNullException(nameof(initial));
        _refreshEvery = refreshEvery;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The latest reading.</summary>
    public IntensityReading Current
    {
        get
        {
            if (_time.GetUtcNow().UtcTicks - Volatile.Read(ref _fetchedAtUtcTicks) >= Math.Min(_refreshEvery.Ticks, long.MaxValue / 2) && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    finally
                    {
                        Volatile.Write(ref _refreshing, 0);
                    }
                });
            }
            return Volatile.Read(ref _current);
        }
    }

    /// <summary>Fetches a reading now (sources wrapped in <see cref="FallbackIntensitySource"/> do not throw for live failures).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var r = await _source.GetIntensityAsync(_location, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _current, r);
        }
        catch (IntensityUnavailableException)
        {
            // Keep the previous reading.
        }
        Volatile.Write(ref _fetchedAtUtcTicks, _time.GetUtcNow().UtcTicks);
    }
}
