using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.TestSupport;

namespace Hearth.Cli.Tests.Commands;

/// <summary>End to end through the built <c>hearth</c> command: serve, run, models, show, rm, keys.</summary>
public sealed class ServerCommandsTests
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

    [Fact]
    public async Task Run_LocalModelGreedy_PrintsAnswerToStdoutAndStatsToStderr()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, stdout, stderr) = await HearthProcess.RunAsync(home.Path, "run", "stories260K", "Once upon a time", "--temperature", "0", "-n", "12");

        Assert.Equal(0, code);
        Assert.False(string.IsNullOrWhiteSpace(stdout));
        Assert.Contains("12 generated", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownModel_ExitsOneListingAvailable()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var (code, _, stderr) = await HearthProcess.RunAsync(home.Path, "run", "gpt-9", "hi");

        Assert.Equal(1, code);
        Assert.Contains("stories260K", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsShowRm_LocalModel_ListDescribeAndDelete()
    {
        using var home = new TempDir();
        await HearthProcess.ImportStoriesAsync(home.Path);

        var models = await HearthProcess.RunAsync(home.Path, "models");
        var show = await HearthProcess.RunAsync(home.Path, "show", "stories260K");
        var rm = await HearthProcess.RunAsync(home.Path, "rm", "stories260K");
        var after = await HearthProcess.RunAsync(home.Path, "show", "stories260K");

        Assert.Equal(0, models.ExitCode);
        Assert.Contains("stories260K", models.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("llama", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("260,032", show.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, rm.ExitCode);
        Assert.False(File.Exists(Path.Combine(home.Path, "models", "stories260K.gguf")));
        Assert.Equal(1, after.ExitCode);
    }

    [Fact]
    public async Task Keys_CreateListRevoke_PrintsKeyOnceAndRevokes()
    {
        using var home = new TempDir();

        var create = await HearthProcess.RunAsync(home.Path, "keys", "create", "--tenant", "library", "--name", "front desk");
        var key = create.Stdout.Trim();
        var id = key[3..key.IndexOf('.')];
        var list = await HearthProcess.RunAsync(home.Path, "keys", "list");
        var revoke = await HearthProcess.RunAsync(home.Path, "keys", "revoke", id);
        var listAfter = await HearthProcess.RunAsync(home.Path, "keys", "list");

        Assert.Equal(0, create.ExitCode);
        Assert.StartsWith("hk-", key);
        Assert.Contains("library", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(key[(key.IndexOf('.') + 1)..], File.ReadAllText(Path.Combine(home.Path, "keys.json")), StringComparison.Ordinal);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Contains("revoked", listAfter.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_CreateAdminThenRevokeLast_ListsRoleAndSaysTheNodeStaysClosed()
    {
        using var home = new TempDir();

        var create = await HearthProcess.RunAsync(home.Path, "keys", "create", "--tenant", "ops", "--admin");
        var key = create.Stdout.Trim();
        var id = key[3..key.IndexOf('.')];
        var list = await HearthProcess.RunAsync(home.Path, "keys", "list");
        var revoke = await HearthProcess.RunAsync(home.Path, "keys", "revoke", id);

        Assert.Equal(0, create.ExitCode);
        Assert.Contains($"admin key {id} for tenant 'ops' created", create.Stderr, StringComparison.Ordinal);
        Assert.Contains("now requires an API key on every request", create.Stderr, StringComparison.Ordinal);
        Assert.Contains("admin", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Contains("last active key", revoke.Stderr, StringComparison.Ordinal);
        Assert.Contains("401", revoke.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(home.Path, "auth-required")));
    }

    [Fact]
    public async Task Keys_CorruptKeysFile_ExitsNonZeroNamingTheFileAndLeavesItAsItWas()
    {
        using var home = new TempDir();
        var create = await HearthProcess.RunAsync(home.Path, "keys", "create", "--tenant", "library");
        var path = Path.Combine(home.Path, "keys.json");
        var corrupt = File.ReadAllText(path)[..^10];
        File.WriteAllText(path, corrupt);

        var list = await HearthProcess.RunAsync(home.Path, "keys", "list");
        var again = await HearthProcess.RunAsync(home.Path, "keys", "create", "--tenant", "library");
        var serve = await HearthProcess.RunAsync(home.Path, "serve", "--port", "0");

        Assert.Equal(0, create.ExitCode);
        Assert.Equal(1, list.ExitCode);
        Assert.Contains(path, list.Stderr, StringComparison.Ordinal);
        Assert.Contains("hearth keys create", list.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\"hash\"", list.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(2, serve.ExitCode);
        Assert.Contains(path, serve.Stderr, StringComparison.Ordinal);
        Assert.Equal(corrupt, File.ReadAllText(path));
    }
}
