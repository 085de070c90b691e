using System.Text.Json;
using Hearth.Ledger.Options;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>A node whose ledger reads a live carbon source and an on-site generation signal over HTTP (real loopback servers).</summary>
public sealed class LiveIntensityNodeTests
{
    private static Task<LoopbackServer> CarbonServerAsync(int status) => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/emissions/bylocations", (HttpContext c) =>
        {
            c.Response.StatusCode = status;
            var now = DateTimeOffset.UtcNow.AddMinutes(-30).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            return c.Response.WriteAsync(status == 200 ? $$"""[{"location":"eastus","time":"{{now}}","rating":300.0,"duration":"01:00:00"}]""" : "oops");
        });
        app.MapGet("/onsite", (HttpContext c) => c.Response.WriteAsync("""{"onsiteShare":0.25}"""));
    });

    [Fact]
    public async Task Chat_CarbonAwareWebApiWithOnSiteSolar_EntryUsesLiveBlendedIntensity()
    {
        await using var carbon = await CarbonServerAsync(200);
        using var home = new TempDir("hearth-live-");
        InstallStories(home);
        var options = LocalOptions(home);
        options = options with
        {
            Ledger = options.Ledger with
            {
                Zone = "USA",
                Intensity = new IntensitySourceOptions
                {
                    Kind = IntensitySourceKinds.CarbonAwareWebApi,
                    BaseAddress = carbon.BaseAddress,
                    Location = "eastus",
                    OnSiteGenerationUrl = new Uri(carbon.BaseAddress, "onsite"),
                },
            },
        };
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel)));

        var entry = Assert.Single((await WaitForEntriesAsync(http, 1)).GetProperty("data").EnumerateArray());
        Assert.Equal("carbon-aware-webapi:eastus+onsite:0.25", entry.GetProperty("intensity_source").GetString());
        Assert.Equal((300.0 * 0.75) + (48.0 * 0.25), entry.GetProperty("intensity_grams_co2e_per_kwh").GetDouble(), 9);
        Assert.True(carbon.Hits("/emissions/bylocations") >= 1 && carbon.Hits("/onsite") >= 1);
    }

    [Fact]
    public async Task Chat_LiveSourceFails_EntrySaysFallbackStatic()
    {
        await using var carbon = await CarbonServerAsync(500);
        using var home = new TempDir("hearth-live-fail-");
        InstallStories(home);
        var options = LocalOptions(home);
        options = options with
        {
            Ledger = options.Ledger with
            {
                Zone = "FRA",
                Intensity = new IntensitySourceOptions { Kind = IntensitySourceKinds.CarbonAwareWebApi, BaseAddress = carbon.BaseAddress, Location = "francecentral" },
            },
        };
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel)));

        var entry = Assert.Single((await WaitForEntriesAsync(http, 1)).GetProperty("data").EnumerateArray());
        Assert.Matches(@"^fallback-static:FRA:20\d\d$", entry.GetProperty("intensity_source").GetString());
        Assert.True(carbon.Hits("/emissions/bylocations") >= 1);
    }
}
