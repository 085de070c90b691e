using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth</c> command: serve.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_FreshHomeWithOneGguf_ServesItWithZeroConfigUntilStopped()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);
        using var process = Process.Start(HearthProcess.StartInfo(home.Path, "serve", "--port", "0"))!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(line);
            Assert.StartsWith("Hearth listening on http://127.0.0.1:", line);
            var baseAddress = new Uri(line!["Hearth listening on ".Length..line.IndexOf(' ', "Hearth listening on ".Length)]);
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

            using var models = JsonDocument.Parse(await http.GetStringAsync("v1/models"));
            using var chat = await http.PostAsync("v1/chat/completions", new StringContent(
                """{"model":"stories260K","messages":[{"role":"user","content":"Hello"}],"max_tokens":5,"temperature":0}""", Encoding.UTF8, "application/json"));
            using var reply = JsonDocument.Parse(await chat.Content.ReadAsStringAsync());

            Assert.Equal("stories260K", models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            Assert.Equal(5, reply.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
            Assert.Equal("modelled", string.Join(",", chat.Headers.GetValues("x-hearth-method")));
            Assert.Contains(models.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "hearth/auto");
            Assert.True(File.Exists(Path.Combine(home.Path, "ledger", "ledger.db")));
            _ = stderr;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_InvalidConfiguration_ExitsNonZeroNamingTheKey()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """{ "Local": { "MaxLoadedModels": 0 } }""");

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "serve", "--port", "0");

        Assert.Equal(2, code);
        Assert.Contains("Local:MaxLoadedModels", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_CarbonAwareWithUnconfiguredSite_ExitsNonZeroNamingTheSite()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """
            { "Upstreams": [ { "Name": "cloud", "BaseUrl": "http://127.0.0.1:9/v1", "Models": [ "gpt" ] } ],
              "Routing": { "Backends": [ { "Name": "gpt", "Tier": "Small", "IsLocal": false, "Site": "us-east" } ],
                           "Tiers": { "Small": "gpt" }, "DefaultPolicy": "carbon-aware" } }
            """);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "serve", "--port", "0");

        Assert.Equal(2, code);
        Assert.Contains("Routing:Sites:us-east", stderr, StringComparison.Ordinal);
    }
}
