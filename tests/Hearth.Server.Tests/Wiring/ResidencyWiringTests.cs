using System.Net;
using System.Text.Json;
using Hearth.Routing.Policies;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>
/// Residency on every path that can leave the node, over HTTP, with a real recording upstream standing in for the remote
/// model: a named upstream model on /v1/chat/completions, /v1/completions, the Ollama API, and hearth/auto.
/// </summary>
public sealed class ResidencyWiringTests
{
    private const string Email = "jane.doe@example.org";
    private const string Card = "4111 1111 1111 1111";

    private static HearthOptions Options(TempDir home, RecordingUpstream upstream, RoutingOptions? routing = null) =>
        TestNodes.Options(home, TestNodes.Upstream("remote", upstream.BaseAddress, RecordingUpstream.ModelId)) with
        {
            Local = new LocalModelOptions { Threads = 1, KeepAliveSeconds = 600 },
            Routing = routing,
        };

    private static RoutingOptions Routing(ResidencyMode mode = ResidencyMode.KeepLocal, string defaultPolicy = "fixed:gpt", params string[] confidentialKeys) => new()
    {
        Backends = [new BackendOptions(LocalModel, ModelTier.Small, IsLocal: true), new BackendOptions(RecordingUpstream.ModelId, ModelTier.Large, IsLocal: false, Site: "cloud")],
        Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = LocalModel, [ModelTier.Large] = RecordingUpstream.ModelId },
        DefaultPolicy = defaultPolicy,
        Residency = mode,
        ConfidentialApiKeys = new HashSet<string>(confidentialKeys),
        Sites = new Dictionary<string, SiteOptions> { ["cloud"] = new() { GramsCo2ePerKwh = 50 } },
    };

    private static string Chat(string model, string content, bool stream = false) =>
        JsonSerializer.Serialize(new { model, messages = new[] { new { role = "user", content } }, max_tokens = 6, temperature = 0, stream });

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task ChatCompletions_UpstreamModelDeclaredConfidential_AnsweredLocallyAndUpstreamNeverCalled()
    {
        using var home = new TempDir("hearth-res-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream));
        using var http = Client(node);

        using var clean = await PostAsync(http, "/v1/chat/completions", Chat("gpt", "Once upon a time"));
        var cleanBodies = upstream.Bodies.Count;
        using var kept = await PostAsync(http, "/v1/chat/completions", Chat("gpt", "Once upon a time"), ("x-hearth-confidential", "true"));

        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        Assert.Equal(1, cleanBodies);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(LocalModel, Header(kept, "x-hearth-route"));
        Assert.Contains("declared confidential", Header(kept, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Contains("kept local on 'stories260K' instead of 'gpt'", Header(kept, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Single(upstream.Bodies);
        var entry = Assert.Single((await WaitForEntriesAsync(http, 1, "?route=" + LocalModel)).GetProperty("data").EnumerateArray());
        Assert.Equal("local", entry.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task ChatCompletions_UpstreamModelSensitiveDataNoLocalModel_Returns403ListingKindsNeverValues()
    {
        using var home = new TempDir("hearth-res-");
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream));
        using var http = Client(node);

        using var refused = await PostAsync(http, "/v1/chat/completions", Chat("gpt", $"Mail {Email}, card {Card}."));
        using var streamed = await PostAsync(http, "/v1/chat/completions", Chat("gpt", $"Mail {Email}.", stream: true));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var text = await refused.Content.ReadAsStringAsync();
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("residency_refused", error.GetProperty("code").GetString());
        Assert.Contains("Email", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("PaymentCard", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Email, text, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, streamed.StatusCode);
        Assert.Empty(upstream.Bodies);
    }

    [Fact]
    public async Task ChatCompletions_SensitiveDataOnlyInToolDefinition_Refused()
    {
        using var home = new TempDir("hearth-res-");
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream));
        using var http = Client(node);
        var body = """
            {"model":"gpt","messages":[{"role":"user","content":"What is the weather?"}],
             "tools":[{"type":"function","function":{"name":"weather","description":"Call with api_key=sk-proj-Zq8XbN3vLmT5pW2rYc7dKj","parameters":{"type":"object","properties":{}}}}]}
            """;

        using var refused = await PostAsync(http, "/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var text = await refused.Content.ReadAsStringAsync();
        Assert.Contains("in tools, schema or stop sequences", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Zq8XbN3v", text, StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }

    [Fact]
    public async Task Completions_UpstreamModelSensitivePrompt_AnsweredLocally()
    {
        using var home = new TempDir("hearth-res-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream));
        using var http = Client(node);
        var body = JsonSerializer.Serialize(new { model = "gpt", prompt = "Pay to DE89 3704 0044 0532 0130 00 today", max_tokens = 4, temperature = 0 });

        using var response = await PostAsync(http, "/v1/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LocalModel, Header(response, "x-hearth-route"));
        Assert.Contains("Iban", Header(response, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }

    [Fact]
    public async Task OllamaChat_ConfidentialApiKey_AnsweredLocallyAndOtherKeyReachesUpstream()
    {
        using var home = new TempDir("hearth-res-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        var keys = new Hearth.Server.Auth.ApiKeyStore(HearthHome.KeysFile(home.Path), TimeProvider.System);
        var (record, secret) = keys.Create("acme", "confidential");
        var (_, open) = keys.Create("acme", "open");
        var keyId = record.Id;
        await using var node = await StartAsync(Options(home, upstream, Routing(confidentialKeys: keyId)));
        using var http = Client(node);
        var body = """{"model":"gpt","messages":[{"role":"user","content":"Board minutes: Once upon a time"}],"stream":false,"options":{"num_predict":4,"temperature":0}}""";

        using var kept = await PostAsync(http, "/api/chat", body, ("Authorization", "Bearer " + secret));
        var before = upstream.Bodies.Count;
        using var sent = await PostAsync(http, "/api/chat", body, ("Authorization", "Bearer " + open));

        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(LocalModel, Header(kept, "x-hearth-route"));
        Assert.Contains("declared confidential", Header(kept, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Equal(0, before);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Single(upstream.Bodies);
    }

    [Fact]
    public async Task ChatCompletions_RedactAndEscalate_UpstreamSeesPlaceholdersAnswerRestored()
    {
        using var home = new TempDir("hearth-res-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream, Routing(ResidencyMode.RedactAndEscalate)));
        using var http = Client(node);

        using var response = await PostAsync(http, "/v1/chat/completions", Chat("gpt", $"Write to {Email} today"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt", Header(response, "x-hearth-route"));
        Assert.Contains("redacted", Header(response, "x-hearth-reason"), StringComparison.Ordinal);
        var sent = Assert.Single(upstream.Bodies);
        Assert.DoesNotContain(Email, sent, StringComparison.Ordinal);
        Assert.Contains("[[EMAIL_1]]", sent, StringComparison.Ordinal);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        Assert.Equal($"echo: Write to {Email} today", answer);
    }

    [Fact]
    public async Task AutoModel_FixedUpstreamSensitiveStreamed_KeptLocalAndUpstreamNeverCalled()
    {
        using var home = new TempDir("hearth-res-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var node = await StartAsync(Options(home, upstream, Routing()));
        using var http = Client(node);

        using var clean = await PostAsync(http, "/v1/chat/completions", Chat("hearth/auto", "Once upon a time", stream: true));
        await clean.Content.ReadAsStringAsync();
        using var kept = await PostAsync(http, "/v1/chat/completions", Chat("hearth/auto", $"Once upon a time {Email} wrote", stream: true));
        var sse = await kept.Content.ReadAsStringAsync();

        Assert.Equal("gpt", Header(clean, "x-hearth-route"));
        Assert.Single(upstream.Bodies);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(LocalModel, Header(kept, "x-hearth-route"));
        Assert.Contains("sensitive data (Email)", Header(kept, "x-hearth-reason"), StringComparison.Ordinal);
        Assert.Contains("[DONE]", sse, StringComparison.Ordinal);
        Assert.Single(upstream.Bodies);
    }
}
