using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Hearth.Server.Configuration;
using Hearth.Server.Hosting;

namespace Hearth.Benchmarks.Gateway;

/// <summary>Options of <c>hearth bench gateway</c>.</summary>
public sealed record GatewayBenchmarkOptions
{
    public IReadOnlyList<int> RatesPerSecond { get; init; } = [200, 1000];

    /// <summary>Measured time per target and rate (the bar: 60 s).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    public bool UseNginx { get; init; } = true;

    /// <summary>
    /// The command that starts the <c>hearth</c> CLI (e.g. <c>["dotnet", "/path/hearth.dll"]</c>): the node then runs as
    /// <c>hearth serve</c> in its own process and its resident memory is sampled. Null: the node runs in this process
    /// (tests), and only the managed heap is reported.
    /// </summary>
    public IReadOnlyList<string>? NodeCommand { get; init; }

    /// <summary>How often the node's resident memory is sampled while the load runs through it.</summary>
    public TimeSpan MemorySampleInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>Resident memory of the node process over one run through it.</summary>
/// <param name="FirstThirdMeanBytes">Mean of the samples in the first third of the run.</param>
/// <param name="LastThirdMeanBytes">Mean of the samples in the last third.</param>
public sealed record NodeMemoryTrace(int Samples, long StartBytes, long EndBytes, long MaxBytes, long FirstThirdMeanBytes, long LastThirdMeanBytes)
{
    /// <summary>Memory is flat when the last third's mean exceeds the first third's by at most 5 % or 4 MiB, whichever is larger.</summary>
    public bool IsFlat => LastThirdMeanBytes - FirstThirdMeanBytes <= Math.Max(FirstThirdMeanBytes / 20, 4L << 20);

    public static NodeMemoryTrace From(IReadOnlyList<long> samples)
    {
        if (samples.Count == 0)
        {
            return new NodeMemoryTrace(0, 0, 0, 0, 0, 0);
        }
        var third = Math.Max(1, samples.Count / 3);
        return new NodeMemoryTrace(samples.Count, samples[0], samples[^1], samples.Max(),
            (long)samples.Take(third).Average(), (long)samples.Skip(samples.Count - third).Average());
    }
}

/// <summary>One rate's figures: direct, through Hearth, and through nginx when available; memory of the node.</summary>
/// <param name="HeapBytesBefore">Managed heap of this process before the rate's runs (in-process node only, else 0).</param>
/// <param name="NodeMemory">Resident memory of the node process during the run through it (out-of-process node only).</param>
public sealed record GatewayRateResult(int RequestsPerSecond, LoadRunResult Direct, LoadRunResult Hearth, LoadRunResult? Nginx,
    long HeapBytesBefore, long HeapBytesAfter, NodeMemoryTrace? NodeMemory)
{
    public double HearthAddedP50Milliseconds => Hearth.P50Milliseconds - Direct.P50Milliseconds;
    public double HearthAddedP99Milliseconds => Hearth.P99Milliseconds - Direct.P99Milliseconds;
    public double? NginxAddedP50Milliseconds => Nginx is null ? null : Nginx.P50Milliseconds - Direct.P50Milliseconds;
    public double? NginxAddedP99Milliseconds => Nginx is null ? null : Nginx.P99Milliseconds - Direct.P99Milliseconds;

    /// <summary>Hearth's added p50 over nginx's added p50 (the goal is ≤ 2); null without nginx or when nginx added nothing measurable.</summary>
    public double? AddedP50RatioToNginx => NginxAddedP50Milliseconds is > 0.001 and var n ? HearthAddedP50Milliseconds / n : null;

    public int Errors => Direct.Errors + Hearth.Errors + (Nginx?.Errors ?? 0);
}

/// <summary>
/// Gateway overhead: a fixed-response OpenAI-compatible upstream on loopback, a Hearth node proxying to it (with its whole
/// pipeline: auth, routing stamp, budget check, metering and the ledger append), optionally nginx proxying to it; an open-loop
/// generator measures p50/p99 direct vs through each proxy at each rate, one target after the other. The generator and the
/// upstream run in this process and share the machine's cores with the proxy under test.
/// </summary>
public static class GatewayBenchmark
{
    public static async Task<IReadOnlyList<GatewayRateResult>> RunAsync(GatewayBenchmarkOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var upstream = await FixedResponseUpstream.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var home = Path.Combine(Path.GetTempPath(), "hearth-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        var upstreamOptions = new UpstreamOptions
        {
            Name = "fixed", BaseUrl = new Uri(upstream.BaseAddress, "v1").ToString(), Models = [FixedResponseUpstream.ModelId],
        };
        HearthNode? inProcess = null;
        NodeProcess? outOfProcess = null;
        NginxReverseProxy? nginx = null;
        try
        {
            Uri nodeAddress;
            if (options.NodeCommand is { } command)
            {
                await File.WriteAllTextAsync(Path.Combine(home, "appsettings.json"), SettingsJson(upstreamOptions), cancellationToken).ConfigureAwait(false);
                outOfProcess = await NodeProcess.StartAsync(command, home, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                nodeAddress = outOfProcess.BaseAddress;
                log($"hearth: 'hearth serve' process {outOfProcess.ProcessId} on {nodeAddress}");
            }
            else
            {
                inProcess = await HearthNode.StartAsync(new HearthOptions
                {
                    Home = home, Server = new ServerOptions { Port = 0 }, Upstreams = [upstreamOptions],
                }, s => s.MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning, cancellationToken).ConfigureAwait(false);
                nodeAddress = inProcess.BaseAddress;
                log($"hearth: in-process node on {nodeAddress}");
            }
            if (options.UseNginx && NginxReverseProxy.Find() is { } binary)
            {
                nginx = await NginxReverseProxy.StartAsync(binary, upstream.BaseAddress, cancellationToken).ConfigureAwait(false);
                log($"nginx: {binary} on {nginx.BaseAddress}");
            }
            else
            {
                log(options.UseNginx ? "nginx: not installed (scripts/bench-tools.sh installs it) — reference skipped" : "nginx: skipped");
            }
            return await MeasureAsync(options, log, upstream, nodeAddress, outOfProcess, nginx, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            nginx?.Dispose();
            outOfProcess?.Dispose();
            if (inProcess is not null)
            {
                await inProcess.DisposeAsync().ConfigureAwait(false);
            }
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A log the killed node held open; the temp folder is harmless.
            }
        }
    }

    private static async Task<IReadOnlyList<GatewayRateResult>> MeasureAsync(GatewayBenchmarkOptions options, Action<string> log, FixedResponseUpstream upstream,
        Uri nodeAddress, NodeProcess? node, NginxReverseProxy? nginx, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 4096, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2), UseProxy = false };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var generator = new OpenLoopLoadGenerator(http);
        var body = Encoding.UTF8.GetBytes($$"""{"model":"{{FixedResponseUpstream.ModelId}}","messages":[{"role":"user","content":"Say hello in five words."}],"max_tokens":16}""");
        var targets = new List<(string Name, Uri Url)>
        {
            ("direct", new Uri(upstream.BaseAddress, "v1/chat/completions")),
            ("hearth", new Uri(nodeAddress, "v1/chat/completions")),
        };
        if (nginx is not null)
        {
            targets.Add(("nginx", new Uri(nginx.BaseAddress, "v1/chat/completions")));
        }
        var warmupRate = options.RatesPerSecond.Count > 0 ? options.RatesPerSecond.Max() : 200;
        foreach (var (name, url) in targets)
        {
            await generator.RunAsync(name, url, body, warmupRate, options.Warmup, cancellationToken).ConfigureAwait(false);
        }
        var results = new List<GatewayRateResult>();
        foreach (var rate in options.RatesPerSecond)
        {
            var before = node is null ? HeapAfterCollection() : 0;
            var runs = new Dictionary<string, LoadRunResult>();
            NodeMemoryTrace? memory = null;
            foreach (var (name, url) in targets)
            {
                using var sampling = new CancellationTokenSource();
                var samples = new List<long>();
                var sampler = name == "hearth" && node is not null
                    ? SampleAsync(node, samples, options.MemorySampleInterval, sampling.Token) : Task.CompletedTask;
                LoadRunResult r;
                try
                {
                    r = await generator.RunAsync(name, url, body, rate, options.Duration, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await sampling.CancelAsync().ConfigureAwait(false);
                    await sampler.ConfigureAwait(false);
                }
                if (name == "hearth" && node is not null)
                {
                    memory = NodeMemoryTrace.From(samples);
                }
                log($"{rate,5} req/s  {name,-7} p50 {r.P50Milliseconds,7:F3} ms  p99 {r.P99Milliseconds,7:F3} ms  max {r.MaxMilliseconds,7:F1} ms  sent {r.Sent}  errors {r.Errors}");
                runs[name] = r;
            }
            var after = node is null ? HeapAfterCollection() : 0;
            results.Add(new GatewayRateResult(rate, runs["direct"], runs["hearth"], runs.GetValueOrDefault("nginx"), before, after, memory));
        }
        return results;
    }

    private static async Task SampleAsync(NodeProcess node, List<long> samples, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                samples.Add(node.ResidentBytes());
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            samples.Add(node.ResidentBytes());
        }
    }

    /// <summary>The node's settings: the fixed upstream, warnings-only logging.</summary>
    private static string SettingsJson(UpstreamOptions upstream)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("Upstreams");
            w.WriteStartObject();
            w.WriteString("Name", upstream.Name);
            w.WriteString("BaseUrl", upstream.BaseUrl);
            w.WriteStartArray("Models");
            foreach (var m in upstream.Models)
            {
                w.WriteStringValue(m);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static long HeapAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>This process's working set now, for the report.</summary>
    public static long WorkingSetBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
