using System.Diagnostics;
using Hearth.Server.Observability;
using Hearth.Server.Tests.OpenAi;
using Hearth.Server.Tests.Support;

namespace Hearth.Server.Tests.Observability;

[Collection(LocalNodeCollection.Name)]
public sealed class MetricsAndTracingTests(LocalNodeFixture fixture)
{
    [Fact]
    public async Task Metrics_AfterChat_ExposesCountersHistogramsAndGaugesInPrometheusText()
    {
        using var chat = await fixture.Http.PostAsync("v1/chat/completions", LocalChatTests.Json(
            """{"model":"stories260K","messages":[{"role":"user","content":"Hi"}],"max_tokens":3}"""));
        using var response = await fixture.Http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("# TYPE hearth_http_requests_total counter", text, StringComparison.Ordinal);
        Assert.Contains("hearth_http_requests_total{route=\"/v1/chat/completions\",code=\"200\"}", text, StringComparison.Ordinal);
        Assert.Contains("hearth_http_request_duration_seconds_bucket{route=\"/v1/chat/completions\",le=\"+Inf\"}", text, StringComparison.Ordinal);
        Assert.Contains("hearth_tokens_total{model=\"stories260K\",direction=\"output\"}", text, StringComparison.Ordinal);
        Assert.Contains("hearth_loaded_models 1", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE hearth_queue_depth gauge", text, StringComparison.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            var value = line[(line.LastIndexOf(' ') + 1)..];
            Assert.True(double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _) || value is "+Inf" or "NaN", line);
        }
    }

    [Fact]
    public async Task Chat_WithListener_EmitsGenAiSpanWithUsage()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == HearthTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        using var chat = await fixture.Http.PostAsync("v1/chat/completions", LocalChatTests.Json(
            """{"model":"fixed-model","messages":[{"role":"user","content":"Hi"}],"max_tokens":3,"temperature":0.5}"""));

        Activity span;
        // Other test nodes may emit spans concurrently; pick ours by its request parameters.
        lock (spans) { span = spans.Single(s => s.DisplayName == "chat fixed-model" && Equals(s.GetTagItem(HearthTelemetry.RequestTemperature), 0.5f)); }
        Assert.Equal("chat", span.GetTagItem(HearthTelemetry.OperationName));
        Assert.Equal("fixed-model", span.GetTagItem(HearthTelemetry.RequestModel));
        Assert.Equal(3, span.GetTagItem(HearthTelemetry.RequestMaxTokens));
        Assert.Equal(12L, span.GetTagItem(HearthTelemetry.UsageInputTokens));
        Assert.Equal(7L, span.GetTagItem(HearthTelemetry.UsageOutputTokens));
        Assert.Equal(ActivityKind.Client, span.Kind);
    }

    [Fact]
    public async Task HealthAndReady_Return200()
    {
        using var health = await fixture.Http.GetAsync("healthz");
        using var ready = await fixture.Http.GetAsync("readyz");

        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("ready", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
