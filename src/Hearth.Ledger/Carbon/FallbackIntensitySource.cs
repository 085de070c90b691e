using System.Text.Json;

namespace Hearth.Ledger.Carbon;

/// <summary>
/// Tries a live source; on any failure (HTTP error, timeout, bad JSON, no data) returns the static annual figure with
/// its source marked <c>fallback-static:…</c>, and remembers the failure in <see cref="LastFailure"/>.
/// </summary>
public sealed class FallbackIntensitySource : ICarbonIntensitySource
{
    private readonly ICarbonIntensitySource _primary;
    private readonly StaticZoneIntensitySource _static;
    private readonly string _staticZone;
    private readonly TimeSpan _timeout;

    /// <param name="primary">The live source.</param>
    /// <param name="fallback">The static table.</param>
    /// <param name="staticZone">Zone used for the static figure (the node's zone).</param>
    /// <param name="timeout">Time allowed for one live call.</param>
    public FallbackIntensitySource(ICarbonIntensitySource primary, StaticZoneIntensitySource fallback, string staticZone, TimeSpan timeout)
    {
        _primary = primary ?? throw new ArgumentNullException(nameof(primary));
        _static = fallback ?? throw new ArgumentNullException(nameof(fallback));
        _staticZone = staticZone;
        _timeout = timeout;
    }

    public string Name => _primary.Name;

    /// <summary>The last live failure's message, or null after a success.</summary>
    public string? LastFailure { get; private set; }

    public async Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        try
        {
            var r = await _primary.GetIntensityAsync(location, at, cts.Token).ConfigureAwait(false);
            LastFailure = null;
            return r;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested &&
                                   ex is HttpRequestException or InvalidDataException or IntensityUnavailableException or JsonException
                                       or OperationCanceledException or IOException)
        {
            LastFailure = $"{_primary.Name}: {ex.Message}";
            var s = _static.Get(_staticZone, at);
            return s with { Source = "fallback-" + s.Source };
        }
    }
}
