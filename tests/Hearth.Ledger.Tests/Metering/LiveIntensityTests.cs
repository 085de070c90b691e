using Hearth.Ledger.Carbon;
using Hearth.Ledger.Options;

namespace Hearth.Ledger.Tests.Metering;

public class LiveIntensityTests
{
    [Fact]
    public async Task Current_Stale_RefreshesInBackgroundFromLiveSource()
    {
        await using var server = new FakeHttpServer(_ => (200, """{"zone":"DE","carbonIntensity":123,"datetime":"2026-11-20T10:00:00Z"}"""));
        using var http = new HttpClient();
        var options = new IntensitySourceOptions { Kind = IntensitySourceKinds.ElectricityMaps, BaseAddress = server.BaseAddress, ApiToken = "t" };
        var source = IntensitySourceFactory.Create(options, "DEU", http);
        var initial = new StaticZoneIntensitySource().Get("DEU", DateTimeOffset.UtcNow);
        var live = new Hearth.Ledger.Metering.LiveIntensity(source, "DE", initial, TimeSpan.FromMinutes(5));
        Assert.Same(initial, live.Current); // first read returns at once and starts a refresh
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (live.Current.GramsCo2ePerKwh != 123 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(123, live.Current.GramsCo2ePerKwh);
        Assert.Equal("electricitymaps:DE", live.Current.Source);
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
        var options = new LedgerOptions
        {
            Zone = "FRA",
            Intensity = new IntensitySourceOptions { OnSiteGenerationUrl = new Uri(server.BaseAddress, "onsite"), CacheDuration = TimeSpan.FromMilliseconds(100) },
        };
        var meter = Hearth.Ledger.Metering.RequestMeter.Create(options, http);
        await meter.Intensity.RefreshAsync(CancellationToken.None);
        Assert.EndsWith("+onsite:0.5", meter.Intensity.Current.Source, StringComparison.Ordinal);

        Volatile.Write(ref share, "1");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!meter.Intensity.Current.Source.EndsWith("+onsite:1", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.EndsWith("+onsite:1", meter.Intensity.Current.Source, StringComparison.Ordinal);
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
