using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// Issue 10, item 12: SIGTERM to a real <c>hearth serve</c> child process while it streams a generation (from a slow
/// upstream on loopback, so the generation lasts as long as the test needs). Within the grace the request finishes;
/// past it, the stream ends with an in-band <c>shutting_down</c> error and <c>[DONE]</c>, its entry is written as
/// cancelled with the tokens streamed, a final checkpoint covers the last entry, and the process exits 0.
/// </summary>
public sealed partial class NodeShutdownTests(ITestOutputHelper output)
{
    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [Fact]
    public async Task Serve_SigtermMidStreamPastGrace_StreamEndsWithDoneEntryCancelledAndFinalCheckpoint()
    {
        // 200 chunks at 100 ms: 20 s of generation, far beyond the 1 s grace.
        using var home = new TempDir("hearth-shutdown-");
        var (exitCode, events, db) = await RunAsync(home, chunks: 200, graceSeconds: 1);

        Assert.Equal(0, exitCode);
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Contains("shutting_down", events[^2], StringComparison.Ordinal);
        var (outcome, tokensOut, seq, lastCheckpoint) = await LastEntryAsync(db);
        Assert.Equal("cancelled", outcome);
        Assert.InRange(tokensOut, 3, 199);
        Assert.Equal(seq, lastCheckpoint);
    }

    [Fact]
    public async Task Serve_SigtermMidStreamWithinGrace_RequestFinishesAndItsEntryIsOk()
    {
        // 30 chunks at 100 ms: 3 s of generation, well inside the 60 s grace.
        using var home = new TempDir("hearth-shutdown-");
        var (exitCode, events, db) = await RunAsync(home, chunks: 30, graceSeconds: 60);

        Assert.Equal(0, exitCode);
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("shutting_down", StringComparison.Ordinal));
        var (outcome, tokensOut, seq, lastCheckpoint) = await LastEntryAsync(db);
        Assert.Equal("ok", outcome);
        Assert.Equal(30, tokensOut);
        Assert.Equal(seq, lastCheckpoint);
    }

    private async Task<(int ExitCode, List<string> Events, string Db)> RunAsync(TempDir home, int chunks, int graceSeconds)
    {
        await using var upstream = await SlowUpstream.StartAsync(chunks, TimeSpan.FromMilliseconds(100));
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), $$"""
            {
              "Server": { "ShutdownGraceSeconds": {{graceSeconds}} },
              "Upstreams": [ { "Name": "slow", "BaseUrl": "{{upstream.BaseAddress}}v1", "Models": [ "slow" ], "TimeoutSeconds": 120 } ]
            }
            """);
        var psi = HearthProcess.StartInfo(home.Path, "serve", "--port", "0");
        using var process = Process.Start(psi)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        try
        {
            // Generous bounds: the shared 2-core machine may be slow to start a .NET process; nothing here measures speed.
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            const string prefix = "Hearth listening on ";
            Assert.True(line?.StartsWith(prefix, StringComparison.Ordinal) == true, $"serve did not start: '{line}'; stderr: {stderr}");
            var address = new Uri(line![prefix.Length..line.IndexOf(' ', prefix.Length)]);
            _ = process.StandardOutput.ReadToEndAsync();

            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent("""{"model":"slow","messages":[{"role":"user","content":"Tell a long story"}],"stream":true}""", Encoding.UTF8, "application/json"),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var events = new List<string>();
            var ticks = 0;
            while (ticks < 3 && await reader.ReadLineAsync() is { } l)
            {
                if (l.Length > 0)
                {
                    events.Add(l);
                    ticks += l.Contains("tick", StringComparison.Ordinal) ? 1 : 0;
                }
            }
            var signalled = Stopwatch.StartNew();
            Assert.Equal(0, Kill(process.Id, Sigterm));
            while (await reader.ReadLineAsync() is { } rest)
            {
                if (rest.Length > 0)
                {
                    events.Add(rest);
                }
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(graceSeconds + 60));
            output.WriteLine($"exit {process.ExitCode} {signalled.Elapsed.TotalSeconds:0.0} s after SIGTERM (grace {graceSeconds} s); {events.Count} events; last: {events[^1]}; stderr: {stderr}");
            return (process.ExitCode, events, Path.Combine(home.Path, "ledger", "ledger.db"));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<(string Outcome, long TokensOut, long Seq, long LastCheckpoint)> LastEntryAsync(string db)
    {
        await using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=false");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT outcome, tokens_out, seq, (SELECT MAX(seq) FROM ledger_checkpoints) FROM ledger_entries ORDER BY seq DESC LIMIT 1";
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "the ledger has no entry");
        return (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? 0 : r.GetInt64(3));
    }

    /// <summary>An OpenAI-compatible upstream on loopback that streams <c>chunks</c> "tick" chunks, one per <c>delay</c>.</summary>
    private sealed class SlowUpstream : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private SlowUpstream(WebApplication app, Uri baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public static async Task<SlowUpstream> StartAsync(int chunks, TimeSpan delay)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.MapPost("/v1/chat/completions", async (HttpContext c) =>
            {
                c.Response.ContentType = "text/event-stream";
                for (var i = 0; i < chunks; i++)
                {
                    await c.Response.WriteAsync(Chunk("{\"content\":\"tick \"}", "null"), c.RequestAborted);
                    await c.Response.Body.FlushAsync(c.RequestAborted);
                    await Task.Delay(delay, c.RequestAborted);
                }
                await c.Response.WriteAsync(Chunk("{}", "\"stop\""), c.RequestAborted);
                await c.Response.WriteAsync(
                    "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\",\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":"
                    + chunks + ",\"total_tokens\":" + (chunks + 4) + "}}\n\ndata: [DONE]\n\n", c.RequestAborted);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new SlowUpstream(app, new Uri(address + "/"));
        }

        private static string Chunk(string delta, string finish) =>
            "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
