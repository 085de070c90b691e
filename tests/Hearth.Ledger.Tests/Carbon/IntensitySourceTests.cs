using Hearth.Ledger.Carbon;
using Hearth.Ledger.Data;
using Hearth.Ledger.Options;
using Hearth.TestSupport;

namespace Hearth.Ledger.Tests.Carbon;

public class IntensitySourceTests
{
    private static readonly DateTimeOffset At = new(2021, 10, 25, 15, 10, 0, TimeSpan.Zero);

    [Fact]
    public async Task Static_France_NamesSourceAndYear()
    {
        var r = await new StaticZoneIntensitySource().GetIntensityAsync("FRA", At, CancellationToken.None);
        Assert.Equal(ZoneTable.Default.Get("FRA").GridGramsCo2ePerKwh, r.GramsCo2ePerKwh);
        Assert.Matches(@"^static:FRA:20\d\d$", r.Source);
        await Assert.ThrowsAsync<IntensityUnavailableException>(() => new StaticZoneIntensitySource().GetIntensityAsync("XXX", At, CancellationToken.None));
    }

    [Fact]
    public async Task TimeSeriesFile_SharedSample_FindsCoveringHour()
    {
        var src = new TimeSeriesFileIntensitySource(TestData.File("carbon/carbon-aware-sdk-hourly-emissions-sample.json"));
        Assert.Contains("us-east-1", src.Locations);
        var r = await src.GetIntensityAsync("us-east-1", At, CancellationToken.None);
        Assert.Equal(90, r.GramsCo2ePerKwh); // 14:50–15:50 point of the sample
        Assert.Equal(new DateTimeOffset(2021, 10, 25, 14, 50, 0, TimeSpan.Zero), r.ValidFrom);
        await Assert.ThrowsAsync<IntensityUnavailableException>(() => src.GetIntensityAsync("us-east-1", At.AddYears(-5), CancellationToken.None));
    }

    [Fact]
    public void TimeSeriesFile_BadRating_ThrowsNamingElement()
    {
        using var dir = new TempDir();
        var f = dir.File("bad.json");
        File.WriteAllText(f, """[{"Location":"x","Time":"2021-01-01T00:00:00Z","Rating":"high","Duration":"01:00"}]""");
        var ex = Assert.Throws<InvalidDataException>(() => new TimeSeriesFileIntensitySource(f));
        Assert.Contains("element 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CarbonAwareWebApi_FakeServer_ReadsLatestPoint()
    {
        await using var server = new FakeHttpServer(req => req.Path.Value switch
        {
            "/emissions/bylocations" => (200, """[{"location":"eastus","time":"2021-10-25T14:00:00Z","rating":120.5,"duration":"01:00:00"},{"location":"eastus","time":"2021-10-25T15:00:00Z","rating":99.25,"duration":"01:00:00"}]"""),
            _ => (404, "{}"),
        });
        using var http = new HttpClient();
        var r = await new CarbonAwareWebApiSource(http, server.BaseAddress).GetIntensityAsync("eastus", At, CancellationToken.None);
        Assert.Equal(99.25, r.GramsCo2ePerKwh);
        Assert.StartsWith("/emissions/bylocations?location=eastus", server.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CarbonAwareWebApi_NoHistory_UsesCurrentForecast()
    {
        await using var server = new FakeHttpServer(req => req.Path.Value switch
        {
            "/emissions/bylocations" => (200, "[]"),
            "/emissions/forecasts/current" => (200, """[{"location":"eastus","forecastData":[{"location":"eastus","timestamp":"2021-10-25T15:05:00Z","duration":5,"value":77.0}]}]"""),
            _ => (404, "{}"),
        });
        using var http = new HttpClient();
        var r = await new CarbonAwareWebApiSource(http, server.BaseAddress).GetIntensityAsync("eastus", At, CancellationToken.None);
        Assert.Equal(77.0, r.GramsCo2ePerKwh);
        Assert.StartsWith("carbon-aware-webapi-forecast", r.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ElectricityMaps_FakeServer_SendsTokenAndReadsIntensity()
    {
        await using var server = new FakeHttpServer(_ => (200, """{"zone":"DE","carbonIntensity":302,"datetime":"2021-10-25T15:00:00.000Z","updatedAt":"2021-10-25T15:02:00.000Z"}"""));
        using var http = new HttpClient();
        var r = await new ElectricityMapsSource(http, server.BaseAddress, "secret-token").GetIntensityAsync("DE", At, CancellationToken.None);
        Assert.Equal(302, r.GramsCo2ePerKwh);
        Assert.Equal("/v3/carbon-intensity/latest?zone=DE", server.Requests[0]);
        Assert.Equal("secret-token", server.AuthTokens[0]);
    }

    [Fact]
    public async Task Fallback_LiveSourceFails_ReturnsStaticMarkedFallback()
    {
        await using var server = new FakeHttpServer(_ => (500, """{"error":"boom"}"""));
        using var http = new HttpClient();
        var options = new IntensitySourceOptions { Kind = IntensitySourceKinds.ElectricityMaps, BaseAddress = server.BaseAddress, ApiToken = "t" };
        var src = IntensitySourceFactory.Create(options, "DEU", http);
        var r = await src.GetIntensityAsync("DE", At, CancellationToken.None);
        Assert.Equal(ZoneTable.Default.Get("DEU").GridGramsCo2ePerKwh, r.GramsCo2ePerKwh);
        Assert.StartsWith("fallback-static:DEU", r.Source, StringComparison.Ordinal);
        Assert.Contains("500", ((FallbackIntensitySource)src).LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fallback_InvalidJson_ReturnsStatic()
    {
        await using var server = new FakeHttpServer(_ => (200, "{not json"));
        using var http = new HttpClient();
        var options = new IntensitySourceOptions { Kind = IntensitySourceKinds.CarbonAwareWebApi, BaseAddress = server.BaseAddress };
        var r = await IntensitySourceFactory.Create(options, "USA", http).GetIntensityAsync("eastus", At, CancellationToken.None);
        Assert.StartsWith("fallback-static:USA", r.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caching_WithinTtl_CallsInnerOnce_AfterTtlAgain()
    {
        var clock = new ManualTimeProvider(At);
        var calls = 0;
        var inner = new CountingSource(() => calls++);
        var cache = new CachingIntensitySource(inner, TimeSpan.FromMinutes(5), clock);
        await cache.GetIntensityAsync("X", At, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(4));
        await cache.GetIntensityAsync("X", At, CancellationToken.None);
        Assert.Equal(1, calls);
        clock.Advance(TimeSpan.FromMinutes(2));
        await cache.GetIntensityAsync("X", At, CancellationToken.None);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task OnSite_FortyPercentSolar_LowersIntensity()
    {
        await using var server = new FakeHttpServer(_ => (200, """{"onsiteShare":0.4}"""));
        using var http = new HttpClient();
        var src = new OnSiteGenerationSource(new StaticZoneIntensitySource(), OnSiteGenerationSource.HttpShare(http, server.BaseAddress), 48);
        var grid = ZoneTable.Default.Get("DEU").GridGramsCo2ePerKwh;
        var r = await src.GetIntensityAsync("DEU", At, CancellationToken.None);
        Assert.Equal((grid * 0.6) + (48 * 0.4), r.GramsCo2ePerKwh, 9);
        Assert.Contains("+onsite:0.4", r.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnSite_SignalFails_KeepsGridFigure()
    {
        await using var server = new FakeHttpServer(_ => (503, "{}"));
        using var http = new HttpClient();
        var src = new OnSiteGenerationSource(new StaticZoneIntensitySource(), OnSiteGenerationSource.HttpShare(http, server.BaseAddress), 48);
        var r = await src.GetIntensityAsync("DEU", At, CancellationToken.None);
        Assert.Equal(ZoneTable.Default.Get("DEU").GridGramsCo2ePerKwh, r.GramsCo2ePerKwh);
    }

    private sealed class CountingSource(Action onCall) : ICarbonIntensitySource
    {
        public string Name => "counting";

        public Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken)
        {
            onCall();
            return Task.FromResult(new IntensityReading(100, "counting", at, TimeSpan.FromHours(1)));
        }
    }
}

public class IntensitySourceFactoryTests
{
    [Fact]
    public void Create_Static_ReturnsStaticSource() =>
        Assert.IsType<StaticZoneIntensitySource>(IntensitySourceFactory.Create(new IntensitySourceOptions(), "FRA", null));

    [Fact]
    public void Create_UnknownKind_ListsKnownKinds()
    {
        var ex = Assert.Throws<LedgerConfigurationException>(() => IntensitySourceFactory.Create(new IntensitySourceOptions { Kind = "wattbuddy" }, "FRA", null));
        Assert.Contains("carbon-aware-webapi", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_HttpKindWithoutClient_Throws() =>
        Assert.Throws<LedgerConfigurationException>(() => IntensitySourceFactory.Create(
            new IntensitySourceOptions { Kind = IntensitySourceKinds.CarbonAwareWebApi, BaseAddress = new Uri("http://127.0.0.1:1/") }, "FRA", null));
}
