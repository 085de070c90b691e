using System.Text;

namespace Hearth.Server.Observability;

/// <summary>
/// The node's Prometheus metrics, exposed at <c>/metrics</c>. Counters and histograms are updated on the request path;
/// gauges (queue depth, loaded models) are read from their owners at scrape time through <see cref="Gauges"/>.
/// </summary>
public sealed class HearthMetrics
{
    private static readonly double[] LatencyBucketsSeconds =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    public CounterFamily Requests { get; } = new("hearth_http_requests_total", "HTTP requests by route and status code.", "route", "code");
    public HistogramFamily RequestDuration { get; } = new("hearth_http_request_duration_seconds", "HTTP request duration (to the last byte) by route.", LatencyBucketsSeconds, "route");
    public CounterFamily Tokens { get; } = new("hearth_tokens_total", "Tokens processed by model and direction (input = prompt, output = generated).", "model", "direction");
    public CounterFamily ModelRequests { get; } = new("hearth_model_requests_total", "Generation requests by model, backend and outcome.", "model", "backend", "outcome");
    public HistogramFamily TimeToFirstToken { get; } = new("hearth_time_to_first_token_seconds", "Time from request to the first streamed token, by model.", LatencyBucketsSeconds, "model");

    /// <summary>Scrape-time gauges: (name, help, samples of (label name, label value, value)).</summary>
    public List<Func<GaugeReading>> Gauges { get; } = [];

    public string Render()
    {
        var sb = new StringBuilder(4096);
        Requests.Write(sb);
        RequestDuration.Write(sb);
        Tokens.Write(sb);
        ModelRequests.Write(sb);
        TimeToFirstToken.Write(sb);
        foreach (var gauge in Gauges)
        {
            var g = gauge();
            PrometheusText.Header(sb, g.Name, "gauge", g.Help);
            foreach (var s in g.Samples)
            {
                if (s.LabelName is null)
                {
                    PrometheusText.Sample(sb, g.Name, [], [], s.Value);
                }
                else
                {
                    PrometheusText.Sample(sb, g.Name, [s.LabelName], [s.LabelValue ?? ""], s.Value);
                }
            }
        }
        return sb.ToString();
    }
}

/// <summary>A gauge read at scrape time.</summary>
public sealed record GaugeReading(string Name, string Help, IReadOnlyList<GaugeSample> Samples);

/// <summary>One gauge sample, with at most one label.</summary>
public sealed record GaugeSample(string? LabelName, string? LabelValue, double Value);
