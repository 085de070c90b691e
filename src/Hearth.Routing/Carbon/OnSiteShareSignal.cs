using Hearth.Ledger.Carbon;

namespace Hearth.Routing.Carbon;

/// <summary>
/// The latest on-site generation share of one site, read with the ledger's <see cref="OnSiteGenerationSource.HttpShare"/>
/// (<c>{"onsiteShare": 0..1}</c>). The first read is awaited; later reads return the cached share and refresh it in the
/// background once it is older than the cache duration. A failed read yields null (no surplus is assumed on a guess).
/// </summary>
internal sealed class OnSiteShareSignal(Func<CancellationToken, Task<double>> read, TimeSpan cacheDuration, TimeSpan timeout, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double? _share;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private Task? _refresh;

    public async ValueTask<double?> GetAsync(CancellationToken cancellationToken)
    {
        Task? wait = null;
        lock (_lock)
        {
            if (time.GetUtcNow() - _readAt >= cacheDuration && _refresh is null)
            {
                _refresh = Task.Run(RefreshAsync);
            }
            if (_readAt == DateTimeOffset.MinValue)
            {
                wait = _refresh;
            }
        }
        if (wait is not null)
        {
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        lock (_lock)
        {
            return _share;
        }
    }

    private async Task RefreshAsync()
    {
        double? share;
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            share = Math.Clamp(await read(cts.Token).ConfigureAwait(false), 0, 1);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or IntensityUnavailableException or System.Text.Json.JsonException or OperationCanceledException)
        {
            share = null;
        }
        lock (_lock)
        {
            _share = share;
            _readAt = time.GetUtcNow();
            _refresh = null;
        }
    }
}
