using Hearth.Ledger.Carbon;
using Hearth.Ledger.Options;
using Hearth.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Ledger.Tests.Metering;

public class LiveIntensityTests
{
    [Fact]
    public async Task Current_Stale_RefreshesInBackgroundFromLiveSource()
    {
        var intensity = 123;
        await using var server = new FakeHttpServer(_ => (200, "{\"zone\":\"DE\",\"carbonIntensity\":" + Volatile.Read(ref intensity) + ",\"datetime\":\"2026-11-20T10:00:00Z\"}"));
        using var http = new HttpClient();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        var options = new IntensitySourceOptions { Kind = IntensitySourceKinds.ElectricityMaps, BaseAddress = server.BaseAddress, ApiToken = "t" };
        var source = IntensitySourceFactory.Create(options, "DEU", http, time);
        var initial = new StaticZoneIntensitySource().Get("DEU", time.GetUtcNow());
        var live = new Hearth.Ledger.Metering.LiveIntensity(source, "DE", initial, TimeSpan.FromMinutes(5), time);

        Assert.Same(initial, live.Current); // first read returns at once and starts a refresh
        await Eventually.TrueAsync(() => live.Current.GramsCo2ePerKwh == 123, "the background refresh");
        Assert.Equal("electricitymaps:DE", live.Current.Source);

        Volatile.Write(ref intensity, 456);
        time.Advance(TimeSpan.FromMinutes(5)); // the reading (and the source's cache) is now stale on the fake clock
        _ = live.Current;
        await Eventually.TrueAsync(() => live.Current.GramsCo2ePerKwh == 456, "the refresh after the interval");
        Assert.Equal(2, server.Requests.Count);
    }
}

public class OnSiteRefreshTests
{
    [Fact]
    public async Task Create_StaticWithOnSiteUrl_ReReadsTheSignalAfterCacheDuration()
    {
        var share = "0.5";
        await using var server = new FakeHttpServer(_ => (200, "{\"onsiteShare\":" + Volatile.Read(ref share) + "}"));
        using var http = new HttpClient();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        var options = new LedgerOptions
        {
            Zone = "FRA",
            Intensity = new IntensitySourceOptions { OnSiteGenerationUrl = new Uri(server.BaseAddress, "onsite"), CacheDuration = TimeSpan.FromMinutes(5) },
        };
        var meter = Hearth.Ledger.Metering.RequestMeter.Create(options, http, time);
        await meter.Intensity.RefreshAsync(CancellationToken.None);
        Assert.EndsWith("+onsite:0.5", meter.Intensity.Current.Source, StringComparison.Ordinal);

        Volatile.Write(ref share, "1");
        time.Advance(TimeSpan.FromMinutes(5));
        await Eventually.TrueAsync(() => meter.Intensity.Current.Source.EndsWith("+onsite:1", StringComparison.Ordinal), "the on-site re-read after CacheDuration");

        Assert.Equal(48, meter.Intensity.Current.GramsCo2ePerKwh, 9); // all on-site: the on-site lifecycle figure
    }

    [Fact]
    public async Task OpenAsync_LiveSource_FirstReadingIsAlreadyLive()
    {
        await using var server = new FakeHttpServer(_ => (200, """{"zone":"DE","carbonIntensity":321,"datetime":"2026-11-20T10:00:00Z"}"""));
        using var http = new HttpClient();
        using var dir = new Hearth.TestSupport.TempDir();
        var options = new LedgerOptions
        {
            Zone = "DEU",
            Intensity = new IntensitySourceOptions { Kind = IntensitySourceKinds.ElectricityMaps, BaseAddress = server.BaseAddress, ApiToken = "t", Location = "DE" },
            Store = new LedgerStoreOptions { Connection = dir.File("ledger.db") },
        };
        await using var node = await LedgerNode.OpenAsync(options, http, null, CancellationToken.None);

        Assert.Equal(("electricitymaps:DE", 321.0), (node.Meter.Intensity.Current.Source, node.Meter.Intensity.Current.GramsCo2ePerKwh));
    }
}
