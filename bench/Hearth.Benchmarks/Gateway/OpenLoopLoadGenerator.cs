using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Hearth.Benchmarks.Gateway;

/// <summary>Latency percentiles and errors of one open-loop run.</summary>
public sealed record LoadRunResult(string Target, int RequestsPerSecond, int Sent, int Errors, double P50Milliseconds, double P99Milliseconds, double MaxMilliseconds);

/// <summary>
/// Open-loop, constant-rate load: request i is due at <c>start + i / rate</c> and is sent then whether or not earlier ones have
/// finished (the generator never waits for responses, so a slow server cannot slow the offered load). Latency is measured from
/// the moment each request is handed to the HTTP client to the last byte of its response. Each request POSTs the same chat
/// completion body and reads the whole response.
/// </summary>
public sealed class OpenLoopLoadGenerator(HttpClient http)
{
    public async Task<LoadRunResult> RunAsync(string target, Uri url, byte[] body, int requestsPerSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        var total = (int)(requestsPerSecond * duration.TotalSeconds);
        var latencyTicks = new long[total];
        var errors = 0;
        var tasks = new Task[total];
        var interval = (double)Stopwatch.Frequency / requestsPerSecond;
        // A dedicated thread paces the requests: it sleeps (never spins — the cores are shared with the servers under test)
        // and sends every request whose due time has passed, so the average rate holds even when a sleep overshoots.
        var dispatcher = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
            {
                var due = start + (long)(i * interval);
                while (Stopwatch.GetTimestamp() < due)
                {
                    Thread.Sleep(1);
                }
                tasks[i] = SendAsync(url, body, latencyTicks, i, () => Interlocked.Increment(ref errors), cancellationToken);
            }
        }) { IsBackground = true, Name = "hearth-bench-dispatcher", Priority = ThreadPriority.AboveNormal };
        dispatcher.Start();
        await Task.Run(dispatcher.Join, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var ms = latencyTicks.Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        return new LoadRunResult(target, requestsPerSecond, total, errors, Percentile(ms, 0.50), Percentile(ms, 0.99), ms.Length == 0 ? 0 : ms[^1]);
    }

    private async Task SendAsync(Uri url, byte[] body, long[] latencies, int index, Action onError, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                onError();
            }
        }
        catch (HttpRequestException)
        {
            onError();
        }
        latencies[index] = Stopwatch.GetTimestamp() - sent;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0) { return double.NaN; }
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
