using System.Net;
using System.Net.Http.Headers;
using Hearth.Contracts;
using Hearth.Server.Configuration;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Hearth.Server.Backends.Upstream;

/// <summary>
/// One configured upstream: a pooled <see cref="HttpClient"/> plus a Polly pipeline (retry → circuit breaker → per-attempt timeout)
/// around sending a request and reading its response headers. Retries happen only there, i.e. before any response byte has been
/// given to the caller; once a stream has started nothing is retried. Thread-safe; one instance per upstream for the node's life.
/// </summary>
public sealed class UpstreamConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public UpstreamConnection(UpstreamOptions options, TimeProvider? timeProvider = null)
    {
        Options = options;
        BaseUri = new Uri(options.BaseUrl.EndsWith('/') ? options.BaseUrl : options.BaseUrl + "/");
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            MaxConnectionsPerServer = 1024,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Hearth", "1.0"));
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.TooManyRequests);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider ?? TimeProvider.System };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                Delay = TimeSpan.FromMilliseconds(100),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .HandleResult(r => (int)r.StatusCode >= 500),
            FailureRatio = 0.5,
            MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(options.BreakDurationSeconds),
        });
        builder.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
        _pipeline = builder.Build();
    }

    public UpstreamOptions Options { get; }
    public string Name => Options.Name;
    public Uri BaseUri { get; }

    /// <summary>
    /// Sends (with retries, breaker and timeout) and returns a successful response whose headers have been read; the caller owns it.
    /// Failures become an <see cref="UpstreamFailureException"/> (bad gateway, unavailable, timeout) or a
    /// <see cref="HearthRequestException"/> of the kind of the upstream's 4xx (its rejection of the request, or its rate limit).
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(string relativePath, Func<HttpContent> content, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, relativePath)) { Content = content() };
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            var retry = (int)Math.Ceiling((e.RetryAfter ?? TimeSpan.FromSeconds(Options.BreakDurationSeconds)).TotalSeconds);
            throw UpstreamFailureException.Unavailable(Name, $"unavailable (circuit open after repeated failures); retry in {retry} s.", TimeSpan.FromSeconds(Math.Max(1, retry)), e);
        }
        catch (TimeoutRejectedException e)
        {
            throw UpstreamFailureException.Timeout(Name, $"no response within {Options.TimeoutSeconds} s.", e);
        }
        catch (HttpRequestException e)
        {
            throw UpstreamFailureException.BadGateway(Name, $"request failed: {e.Message}", e);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var body = await ReadErrorMessageAsync(response, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            throw status switch
            {
                400 or 404 or 413 or 422 => new HearthRequestException(RejectionKind(status), $"Upstream '{Name}' rejected the request: {body}", null, "upstream_rejected"),
                429 => new HearthRequestException(RequestErrorKind.RateLimited, $"Upstream '{Name}' is rate limiting: {body}", null, "upstream_rate_limited")
                {
                    RetryAfter = TimeSpan.FromSeconds(RetryAfter(response) ?? 1),
                },
                401 or 403 => UpstreamFailureException.BadGateway(Name, $"refused this node's credentials ({status}); check Upstreams:ApiKey. {body}"),
                _ => UpstreamFailureException.BadGateway(Name, $"answered {status}: {body}"),
            };
        }
    }

    /// <summary>The kind of an upstream's rejection of the request, so the client gets the upstream's own status.</summary>
    private static RequestErrorKind RejectionKind(int status) => status switch
    {
        404 => RequestErrorKind.NotFound,
        413 => RequestErrorKind.ContentTooLarge,
        422 => RequestErrorKind.Unprocessable,
        _ => RequestErrorKind.InvalidRequest,
    };

    private static int? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta is { } d ? (int)Math.Ceiling(d.TotalSeconds) : null;

    private static async Task<string> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Bounded: an error body is read only up to 4 KiB.
        var buffer = new byte[4096];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += n;
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        try
        {
            var envelope = System.Text.Json.JsonSerializer.Deserialize(text, OpenAi.Wire.OpenAiJsonContext.Default.ErrorEnvelopeWire);
            if (!string.IsNullOrEmpty(envelope?.Error?.Message))
            {
                return envelope.Error.Message;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not OpenAI-shaped; the text itself is the message.
        }
        return text.Length == 0 ? "(empty body)" : text;
    }

    public void Dispose() => _http.Dispose();
}
