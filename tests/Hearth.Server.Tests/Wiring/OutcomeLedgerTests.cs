using System.Net;
using System.Text.Json;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Hearth.Server.Tests.Wiring.WiringNodes;

namespace Hearth.Server.Tests.Wiring;

/// <summary>Requests that end badly still used energy: a client that disconnects mid-stream and a backend error each leave an entry with their outcome.</summary>
public sealed class OutcomeLedgerTests
{
    [Fact]
    public async Task StreamedChat_ClientDisconnectsMidStream_CancelledEntryWithTokensSoFar()
    {
        await using var upstream = await LoopbackServer.StartAsync(app =>
            app.MapPost("/v1/chat/completions", (HttpContext c) => LoopbackServer.SlowStreamAsync(c, 200, TimeSpan.FromMilliseconds(50))));
        using var home = new TempDir("hearth-cancel-");
        await using var node = await StartAsync(TestNodes.Options(home, TestNodes.Upstream("slow", upstream.BaseAddress, "slow")));
        using var http = Client(node);

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(ChatBody("slow", stream: true)) })
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Matches("^[0-9a-f]{32}$", Header(response, "x-hearth-entry-id"));
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var contentEvents = 0;
            while (contentEvents < 3 && await reader.ReadLineAsync() is { } line)
            {
                contentEvents += line.Contains("tick", StringComparison.Ordinal) ? 1 : 0;
            }
            Assert.Equal(3, contentEvents);
        } // disposing the response aborts the connection mid-stream

        var entry = Assert.Single((await WaitForEntriesAsync(http, 1)).GetProperty("data").EnumerateArray());
        Assert.Equal(("cancelled", "upstream:slow"), (entry.GetProperty("outcome").GetString(), entry.GetProperty("backend").GetString()));
        Assert.InRange(entry.GetProperty("tokens_out").GetInt64(), 3, 199);
        Assert.True(entry.GetProperty("energy_wh").GetDouble() > 0);
    }

    [Fact]
    public async Task Chat_UpstreamAnswers500_502AndErrorEntry()
    {
        await using var upstream = await LoopbackServer.StartAsync(app =>
            app.MapPost("/v1/chat/completions", (HttpContext c) =>
            {
                c.Response.StatusCode = 500;
                return c.Response.WriteAsync("{\"error\":{\"message\":\"boom\"}}");
            }));
        using var home = new TempDir("hearth-error-");
        var options = TestNodes.Options(home, TestNodes.Upstream("broken", upstream.BaseAddress, "broken") with { MaxRetries = 0 });
        await using var node = await StartAsync(options);
        using var http = Client(node);

        using var response = await http.PostAsync("/v1/chat/completions", Json(ChatBody("broken")));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var entry = Assert.Single((await WaitForEntriesAsync(http, 1)).GetProperty("data").EnumerateArray());
        Assert.Equal(("error", 0L), (entry.GetProperty("outcome").GetString(), entry.GetProperty("tokens_out").GetInt64()));
        var summary = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/summary?by=outcome")).RootElement;
        Assert.Equal("error", Assert.Single(summary.GetProperty("groups").EnumerateArray()).GetProperty("group").GetString());
    }
}
