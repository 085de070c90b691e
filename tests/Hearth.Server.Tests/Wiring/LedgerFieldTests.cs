using System.Net;
using System.Text.Json;
using Hearth.Server.Configuration;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>
/// Issue 10, item 16, on a real node over loopback: the ledger entry's policy for the default policy, the tokens in of a
/// cancelled request, no entry for a 429 <c>queue_full</c>, and the response naming the model that answered.
/// </summary>
public sealed class LedgerFieldTests
{
    [Fact]
    public async Task AutoModel_NoPolicyHeader_EntryRecordsTheDefaultPolicyAndResponseNamesTheAnsweringModel()
    {
        using var home = new TempDir("hearth-fields-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody("hearth/auto")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LocalModel, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("model").GetString());
        Assert.Equal("hearth/auto", Header(response, "x-hearth-requested-model"));
        var entry = Assert.Single((await WaitForEntriesAsync(http, 1)).GetProperty("data").EnumerateArray());
        Assert.Equal("local-only", entry.GetProperty("policy").GetString());
        Assert.Contains("local-only", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OllamaChat_AutoModel_ResponseNamesTheAnsweringModel(bool stream)
    {
        using var home = new TempDir("hearth-fields-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);
        var body = """{"model":"hearth/auto","messages":[{"role":"user","content":"Once upon a time"}],"options":{"num_predict":4,"temperature":0},"stream":"""
            + (stream ? "true}" : "false}");

        using var response = await http.PostAsync("/api/chat", Json(body));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hearth/auto", Header(response, "x-hearth-requested-model"));
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Equal(LocalModel, JsonDocument.Parse(l).RootElement.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task StreamedLocalChat_ClientDisconnects_CancelledEntryRecordsThePromptTokens()
    {
        using var home = new TempDir("hearth-fields-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        // No draining: disposing an unfinished response closes the connection, as a client that goes away does.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = Json("""{"model":"stories260K","messages":[{"role":"user","content":"Tell a long story about a girl and her dog"}],"max_tokens":2000,"stream":true}"""),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            Assert.StartsWith("data: ", await reader.ReadLineAsync(cts.Token));
            await cts.CancelAsync();
        }
        using var api = Client(node);
        var entry = Assert.Single((await WaitForEntriesAsync(api, 1)).GetProperty("data").EnumerateArray());

        Assert.Equal("cancelled", entry.GetProperty("outcome").GetString());
        Assert.True(entry.GetProperty("tokens_in").GetInt64() > 5, entry.ToString()); // the templated prompt, not 0
    }

    [Fact]
    public async Task LocalModel_QueueFull_429AndNoLedgerEntry()
    {
        using var home = new TempDir("hearth-fields-");
        InstallStories(home);
        var options = LocalOptions(home);
        options = options with { Local = options.Local with { ConcurrentSequencesPerModel = 1, QueueCapacity = 0 } };
        await using var node = await StartAsync(options);
        using var http = Client(node);

        HttpResponseMessage refused;
        using (await node.Backends.Local!.AcquireAsync(node.Catalog.Find(LocalModel)!, CancellationToken.None)) // the only slot is busy
        {
            refused = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel)));
        }
        using var served = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel)));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("queue_full", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        await node.Ledger.Writer.FlushAsync(CancellationToken.None);
        var entry = Assert.Single(JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries")).RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("ok", entry.GetProperty("outcome").GetString()); // the served request only: the refused one did no work
        refused.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpstreamModelKeptLocalByResidency_ResponseNamesTheLocalModel(bool stream)
    {
        using var home = new TempDir("hearth-fields-");
        InstallStories(home);
        await using var upstream = await RecordingUpstream.StartAsync();
        var options = TestNodes.Options(home, TestNodes.Upstream("remote", upstream.BaseAddress, RecordingUpstream.ModelId)) with
        {
            Local = new LocalModelOptions { Threads = 1, KeepAliveSeconds = 600 },
        };
        await using var node = await StartAsync(options);
        using var http = Client(node);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(ChatBody(RecordingUpstream.ModelId, stream)) };
        request.Headers.Add("x-hearth-confidential", "true");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(upstream.Bodies);
        Assert.Equal(RecordingUpstream.ModelId, Header(response, "x-hearth-requested-model"));
        if (stream)
        {
            var chunks = body.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();
            Assert.NotEmpty(chunks);
            Assert.All(chunks, c => Assert.Equal(LocalModel, c.GetProperty("model").GetString()));
        }
        else
        {
            Assert.Equal(LocalModel, JsonDocument.Parse(body).RootElement.GetProperty("model").GetString());
        }
    }
}
