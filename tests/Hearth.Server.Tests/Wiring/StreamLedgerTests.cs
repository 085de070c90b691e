using System.Globalization;
using System.Net;
using System.Text.Json;
using Hearth.TestSupport;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>Where a streaming client finds its ledger figures: entry id header up front, the final chunk's "hearth" object, trailers, the lookup.</summary>
public sealed class StreamLedgerTests
{
    private static List<string> SseData(string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()["data: ".Length..]).ToList();

    [Fact]
    public async Task StreamedCompletions_LocalModel_EntryIdHeaderFinalHearthChunkAndLookupAgree()
    {
        using var home = new TempDir("hearth-cmpl-stream-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/completions",
            Json($$$"""{"model":"{{{LocalModel}}}","prompt":"Once upon a time","max_tokens":5,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}"""));
        var events = SseData(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = Header(response, "x-hearth-entry-id");
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("modelled", Header(response, "x-hearth-method"));
        Assert.Equal("[DONE]", events[^1]);
        var last = JsonDocument.Parse(events[^2]).RootElement;
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal(5, last.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var hearth = last.GetProperty("hearth");
        Assert.Equal(id, hearth.GetProperty("entry_id").GetString());
        Assert.Equal("modelled", hearth.GetProperty("method").GetString());
        var energy = hearth.GetProperty("energy_wh").GetString()!;
        Assert.True(double.Parse(energy, CultureInfo.InvariantCulture) > 0);
        Assert.True(hearth.TryGetProperty("carbon_g", out _) && hearth.TryGetProperty("water_l", out _));

        var entry = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries/" + id)).RootElement;
        Assert.Equal((5L, "ok"), (entry.GetProperty("tokens_out").GetInt64(), entry.GetProperty("outcome").GetString()));
        Assert.Equal(double.Parse(energy, CultureInfo.InvariantCulture), entry.GetProperty("energy_wh").GetDouble(), 9);
    }

    [Fact]
    public async Task StreamedChat_OpenAiAndOllama_EntryIdInHeadersMatchesFinalObject()
    {
        using var home = new TempDir("hearth-chat-stream-");
        InstallStories(home);
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var openAi = await http.PostAsync("/v1/chat/completions", Json(ChatBody(LocalModel, stream: true)));
        var events = SseData(await openAi.Content.ReadAsStringAsync());
        using var ollama = await http.PostAsync("/api/chat",
            Json($$$"""{"model":"{{{LocalModel}}}","messages":[{"role":"user","content":"Hi"}],"options":{"num_predict":4,"temperature":0}}"""));
        var done = JsonDocument.Parse((await ollama.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

        Assert.Equal("modelled", Header(openAi, "x-hearth-method"));
        Assert.Equal(Header(openAi, "x-hearth-entry-id"), JsonDocument.Parse(events[^2]).RootElement.GetProperty("hearth").GetProperty("entry_id").GetString());
        Assert.Equal(Header(ollama, "x-hearth-entry-id"), done.GetProperty("hearth").GetProperty("entry_id").GetString());
        Assert.NotEqual(Header(openAi, "x-hearth-entry-id"), Header(ollama, "x-hearth-entry-id"));
        var entry = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/entries/" + Header(ollama, "x-hearth-entry-id"))).RootElement;
        Assert.Equal(4, entry.GetProperty("tokens_out").GetInt64());
    }

    [Fact]
    public async Task StreamedChatAndCompletions_H2cNodeWithTeTrailers_FiguresInTrailers()
    {
        using var home = new TempDir("hearth-h2-");
        InstallStories(home);
        var options = LocalOptions(home);
        await using var node = await StartAsync(options with { Server = options.Server with { Protocols = Hearth.Server.Configuration.ServerOptions.Http2 } });
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        foreach (var (path, body) in new[]
                 {
                     ("/v1/chat/completions", ChatBody(LocalModel, stream: true)),
                     ("/v1/completions", $$"""{"model":"{{LocalModel}}","prompt":"Once","max_tokens":4,"stream":true}"""),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = Json(body),
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.TE.ParseAdd("trailers");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.Matches("^[0-9a-f]{32}$", Header(response, "x-hearth-entry-id"));
            Assert.Equal("modelled", string.Join(",", response.TrailingHeaders.GetValues("x-hearth-method")));
            Assert.True(double.Parse(response.TrailingHeaders.GetValues("x-hearth-energy-wh").Single(), CultureInfo.InvariantCulture) > 0);
            Assert.True(response.TrailingHeaders.Contains("x-hearth-carbon-g") && response.TrailingHeaders.Contains("x-hearth-water-l"));
        }
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", 404, "entry_not_found")]
    [InlineData("not-an-id", 400, "invalid_parameter")]
    public async Task LedgerEntryById_UnknownOrMalformed_TypedError(string id, int status, string code)
    {
        using var home = new TempDir("hearth-entry-id-");
        await using var node = await StartAsync(LocalOptions(home));
        using var http = Client(node);

        using var response = await http.GetAsync("/v1/ledger/entries/" + id);

        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("id", error.GetProperty("param").GetString());
    }
}
