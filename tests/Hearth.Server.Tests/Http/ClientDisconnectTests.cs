using System.Text;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hearth.Server.Tests.Http;

/// <summary>
/// A client that disconnects mid-stream is a normal event: the node logs it at Debug without a stack trace, counts it in
/// <c>/metrics</c> as <c>code="499"</c> (not 200), and the generation behind it (here a slow upstream) is torn down.
/// </summary>
public sealed class ClientDisconnectTests
{
    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"slow","messages":[{"role":"user","content":"Hi"}],"stream":true}""")]
    [InlineData("/api/chat", """{"model":"slow","messages":[{"role":"user","content":"Hi"}],"stream":true}""")]
    public async Task StreamingRequest_ClientDisconnectsMidStream_DebugLogCancelledMetricAndUpstreamStopped(string path, string body)
    {
        var upstreamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await LoopbackServer.StartAsync(app =>
            app.MapPost("/v1/chat/completions", (HttpContext c) =>
            {
                c.RequestAborted.Register(() => upstreamAborted.TrySetResult());
                // 200 chunks 50 ms apart: 10 s of streaming, far longer than the test needs before it disconnects.
                return LoopbackServer.SlowStreamAsync(c, 200, TimeSpan.FromMilliseconds(50));
            }));
        using var home = new TempDir("hearth-disconnect-");
        var logs = new CapturingLoggerProvider();
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home, TestNodes.Upstream("slow", upstream.BaseAddress, "slow")), setup =>
        {
            setup.MinimumLogLevel = LogLevel.Debug;
            setup.LoggerProviders.Add(logs);
        });
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        using (var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") })
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var ticks = 0;
            while (ticks < 2 && await reader.ReadLineAsync() is { } line)
            {
                ticks += line.Contains("tick", StringComparison.Ordinal) ? 1 : 0;
            }
            Assert.Equal(2, ticks);
        } // disposing the unread response aborts the connection mid-stream

        // Generous bound (shared 2-core machine): the node must cancel its upstream call once the client is gone.
        await upstreamAborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var metrics = await WaitForMetricAsync(http, $"hearth_http_requests_total{{route=\"{path}\",code=\"499\"}} 1");

        Assert.DoesNotContain($"hearth_http_requests_total{{route=\"{path}\",code=\"200\"}}", metrics, StringComparison.Ordinal);
        var entries = logs.Entries;
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning);
        var disconnected = Assert.Single(entries, e => e.EventId.Id == 1001);
        Assert.Equal((LogLevel.Debug, "ClientDisconnected", null), (disconnected.Level, disconnected.EventId.Name, disconnected.Exception));
        Assert.Contains(path, disconnected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorHandlingMiddleware_RequestCompletes_CountedWithItsStatus()
    {
        using var home = new TempDir("hearth-disconnect-");
        await using var node = await TestNodes.StartAsync(TestNodes.Options(home));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        using var missing = await http.GetAsync("/v1/models/nothing-here");
        var metrics = await WaitForMetricAsync(http, "hearth_http_requests_total{route=\"/v1/models/{**id}\",code=\"404\"} 1");

        Assert.DoesNotContain("code=\"499\"", metrics, StringComparison.Ordinal);
    }

    /// <summary>The metrics line is written when the request's middleware unwinds, which can trail the client's view slightly.</summary>
    private static async Task<string> WaitForMetricAsync(HttpClient http, string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var text = await http.GetStringAsync("/metrics");
            if (text.Contains(line, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                Assert.Contains(line, text, StringComparison.Ordinal);
                return text;
            }
            await Task.Delay(50);
        }
    }
}
