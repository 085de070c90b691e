using System.Diagnostics;
using System.Text;
using Hearth.Server.Configuration;
using Hearth.Server.Hosting;

namespace Hearth.Server.Benchmarks;

/// <summary>Options of <c>hearth bench gateway</c>.</summary>
public sealed record GatewayBenchmarkOptions
{
    public IReadOnlyList<int> RatesPerSecond { get; init; } = [200, 1000];
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public bool UseNginx { get; init; } = true;
}

/// <summary>One rate's figures: direct, through Hearth, and through nginx when available; plus memory at start and end.</summary>
public sealed record GatewayRateResult(int RequestsPerSecond, LoadRunResult Direct, LoadRunResult Hearth, LoadRunResult? Nginx, long HeapBytesBefore, long HeapBytesAfter)
{
    public double HearthAddedP50Milliseconds => Hearth.P50Milliseconds - Direct.P50Milliseconds;
    public double? NginxAddedP50Milliseconds => Nginx is null ? null : Nginx.P50Milliseconds - Direct.P50Milliseconds;
}

/// <summary>
/// Gateway overhead: a fixed-response OpenAI-compatible upstream on loopback, a Hearth node proxying to it, optionally nginx
/// proxying to it; an open-loop generator measures p50/p99 direct vs through each proxy at each rate. Everything runs on this
/// machine (the generator and upstream share its cores with the proxy under test).
/// </summary>
public static class GatewayBenchmark
{
    public static async Task<IReadOnlyList<GatewayRateResult>> RunAsync(GatewayBenchmarkOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        await using var upstream = await FixedResponseUpstream.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var home = Path.Combine(Path.GetTempPath(), "hearth-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var node = await HearthNode.StartAsync(new HearthOptions
            {
                Home = home,
                Server = new ServerOptions { Port = 0 },
                Upstreams = [new UpstreamOptions { Name = "fixed", BaseUrl = new Uri(upstream.BaseAddress, "v1").ToString(), Models = [FixedResponseUpstream.ModelId] }],
            }, s => s.MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning, cancellationToken).ConfigureAwait(false);
            NginxReverseProxy? nginx = null;
            if (options.UseNginx && NginxReverseProxy.Find() is { } binary)
            {
                nginx = await NginxReverseProxy.StartAsync(binary, upstream.BaseAddress, cancellationToken).ConfigureAwait(false);
                log($"nginx: {binary} on {nginx.BaseAddress}");
            }
            else
            {
                log("nginx: not installed (apt-get install nginx-light) — reference skipped");
            }
            try
            {
                using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 4096, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2), UseProxy = false };
                using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
                var generator = new OpenLoopLoadGenerator(http);
                var body = Encoding.UTF8.GetBytes($$"""{"model":"{{FixedResponseUpstream.ModelId}}","messages":[{"role":"user","content":"Say hello in five words."}],"max_tokens":16}""");
                var targets = new List<(string Name, Uri Url)>
                {
                    ("direct", new Uri(upstream.BaseAddress, "v1/chat/completions")),
                    ("hearth", new Uri(node.BaseAddress, "v1/chat/completions")),
                };
                if (nginx is not null) { targets.Add(("nginx", new Uri(nginx.BaseAddress, "v1/chat/completions"))); }

                foreach (var (name, url) in targets)
                {
                    await generator.RunAsync(name, url, body, 200, options.Warmup, cancellationToken).ConfigureAwait(false);
                }
                var results = new List<GatewayRateResult>();
                foreach (var rate in options.RatesPerSecond)
                {
                    var before = HeapAfterCollection();
                    var runs = new Dictionary<string, LoadRunResult>();
                    foreach (var (name, url) in targets)
                    {
                        var r = await generator.RunAsync(name, url, body, rate, options.Duration, cancellationToken).ConfigureAwait(false);
                        log($"{rate,5} req/s  {name,-7} p50 {r.P50Milliseconds,7:F3} ms  p99 {r.P99Milliseconds,7:F3} ms  max {r.MaxMilliseconds,7:F1} ms  sent {r.Sent}  errors {r.Errors}");
                        runs[name] = r;
                    }
                    var after = HeapAfterCollection();
                    results.Add(new GatewayRateResult(rate, runs["direct"], runs["hearth"], runs.GetValueOrDefault("nginx"), before, after));
                }
                return results;
            }
            finally
            {
                nginx?.Dispose();
            }
        }
        finally
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { }
        }
    }

    private static long HeapAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Process working set now, for the report.</summary>
    public static long WorkingSetBytes() => Process.GetCurrentProcess().WorkingSet64;
}
