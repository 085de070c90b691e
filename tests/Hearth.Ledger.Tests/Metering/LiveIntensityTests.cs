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
