using System.Collections.Concurrent;

namespace Hearth.Ledger.Carbon;

/// <summary>Reuses a reading per location for <c>ttl</c> (by the injected clock); failures are not cached.</summary>
public sealed class CachingIntensitySource : ICarbonIntensitySource
{
    private readonly ICarbonIntensitySource _inner;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (IntensityReading Reading, DateTimeOffset FetchedAt)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public CachingIntensitySource(ICarbonIntensitySource inner, TimeSpan ttl, TimeProvider? time = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _ttl = ttl;
        _time = time ?? TimeProvider.System;
    }

    public string Name => _inner.Name;

    public async Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(location, out var hit) && now - hit.FetchedAt < _ttl)
        {
            return hit.Reading;
        }
        var reading = await _inner.GetIntensityAsync(location, at, cancellationToken).ConfigureAwait(false);
        _cache[location] = (reading, now);
        return reading;
    }
}
