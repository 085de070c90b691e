using Hearth.Server.Configuration;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Configuration;

public sealed class HearthConfigurationTests
{
    [Fact]
    public void Load_SettingsFileAndOverrides_BindsAndOverridesWin()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """
            { "Server": { "Port": 9999, "Host": "127.0.0.1" },
              "Local": { "KeepAliveSeconds": 42 },
              "Upstreams": [ { "Name": "cloud", "BaseUrl": "http://10.0.0.5:8000/v1", "Models": [ "big=meta/llama-70b" ] } ] }
            """);

        var options = HearthConfiguration.Load(new Dictionary<string, string?> { ["Home"] = home.Path, ["Server:Port"] = "1234" });

        Assert.Equal(1234, options.Server.Port);
        Assert.Equal(42, options.Local.KeepAliveSeconds);
        Assert.Equal("cloud", options.Upstreams.Single().Name);
        Assert.Equal(("big", "meta/llama-70b"), UpstreamModelName.Parse(options.Upstreams[0].Models[0]));
        Assert.Equal(home.Path, options.Home);
    }

    [Fact]
    public void Load_UnknownServerProtocols_NamesTheKey()
    {
        using var home = new TempDir();

        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(new Dictionary<string, string?> { ["Home"] = home.Path, ["Server:Protocols"] = "Http3" }));

        Assert.Contains(e.Problems, p => p.StartsWith("Server:Protocols 'Http3'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_InvalidValues_ThrowsListingEveryBadKey()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """
            { "Server": { "Port": 70000, "Host": "not-an-address" },
              "Upstreams": [ { "Name": "", "BaseUrl": "ftp://x", "Models": [] } ] }
            """);

        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(new Dictionary<string, string?> { ["Home"] = home.Path }));

        Assert.Contains(e.Problems, p => p.StartsWith("Server:Port", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Server:Host", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Upstreams:0:Name", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Upstreams:0:BaseUrl", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Upstreams:0:Models", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NonNumberPortAndUnknownKey_ThrowsConfigException()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """{ "Server": { "Port": "abc" } }""");
        Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(new Dictionary<string, string?> { ["Home"] = home.Path }));

        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """{ "Sever": { "Port": 1 } }""");
        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(new Dictionary<string, string?> { ["Home"] = home.Path }));
        Assert.Contains("Sever", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeysDeepInListsAndDictionaries_NamesFullPathsOnly()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """
            { "Upstreams": [ { "Name": "cloud", "BaseUrl": "http://127.0.0.1:9/v1", "Models": [ "gpt" ] } ],
              "Ledger": { "Store": { "Kind": "Sqlite", "Conection": "x.db" } },
              "Routing": { "Backends": [ { "Name": "gpt", "Tier": "Small", "IsLocal": false, "Site": "us-east" } ],
                           "Tiers": { "Small": "gpt" },
                           "Sites": { "us-east": { "GramsCo2ePerKwh": 400, "Zonee": "US-NY" } } } }
            """);

        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(new Dictionary<string, string?>
        {
            ["Home"] = home.Path,
            ["Local:Thread"] = "2",
        }));

        Assert.Equal(3, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.StartsWith("Unknown setting 'Ledger:Store:Conection'; Ledger:Store has: ", StringComparison.Ordinal)
            && p.Contains("Connection", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Unknown setting 'Routing:Sites:us-east:Zonee'; Routing:Sites:us-east has: ", StringComparison.Ordinal)
            && p.Contains("Zone", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Unknown setting 'Local:Thread'; Local has: ", StringComparison.Ordinal)
            && p.Contains("Threads", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BrokenJson_ThrowsConfigExceptionNamingFile()
    {
        using var home = new TempDir();
        var file = Path.Combine(home.Path, "appsettings.json");
        File.WriteAllText(file, "{ \"Server\": ");

        var e = Assert.Throws<HearthConfigException>(() => HearthConfiguration.Load(new Dictionary<string, string?> { ["Home"] = home.Path }));

        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }
}
