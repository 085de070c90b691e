using Hearth.Ledger.Options;
using Hearth.Routing.Policies;

namespace Hearth.Server.Configuration;

/// <summary>
/// The node's whole configuration, bound from <c>$HEARTH_HOME/appsettings.json</c>, then environment variables
/// <c>HEARTH__Section__Key</c>, then command-line overrides. Immutable; validated once at startup by <see cref="HearthOptionsValidator"/>.
/// </summary>
public sealed record HearthOptions
{
    /// <summary>Home folder (models, keys, settings). Default: <c>HEARTH_HOME</c>, else <c>~/.hearth</c>.</summary>
    public string? Home { get; init; }

    public ServerOptions Server { get; init; } = new();
    public LocalModelOptions Local { get; init; } = new();
    public List<UpstreamOptions> Upstreams { get; init; } = [];
    public TelemetryOptions Telemetry { get; init; } = new();

    /// <summary>Size cap, idle read timeout and sidecar bound of model pulls.</summary>
    public PullOptions Pull { get; init; } = new();

    /// <summary>
    /// The carbon ledger every request is metered into. A relative SQLite <c>Store:Connection</c> is resolved under
    /// <c>$HEARTH_HOME/ledger</c>; the default is <c>$HEARTH_HOME/ledger/ledger.db</c> with journal durability.
    /// </summary>
    public LedgerOptions Ledger { get; init; } = new() { Store = new LedgerStoreOptions { Connection = "ledger.db" } };

    /// <summary>
    /// The hybrid router behind <c>model: "hearth/auto"</c>. Null (no <c>Routing</c> section): policy <c>local-only</c> over the
    /// local models (smallest file = small tier, largest = large tier) — see docs/server.md, "Routing".
    /// </summary>
    public RoutingOptions? Routing { get; init; }
}

/// <summary>HTTP listener and request limits.</summary>
public sealed record ServerOptions
{
    public const int DefaultPort = 11435;

    /// <summary>Address to bind; loopback by default so a fresh node is not exposed to the network.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free ephemeral port (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Largest accepted request body; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Most open TCP connections; more are closed at once while established ones keep being served. 0 (default): below the
    /// process's file-descriptor limit (soft <c>RLIMIT_NOFILE</c> minus a quarter, at least 256, kept for files and upstreams),
    /// between 64 and 4,096.
    /// </summary>
    public long MaxConcurrentConnections { get; init; }

    /// <summary>Most open TCP connections from one client address (loopback included); more are closed at once. Default 256.</summary>
    public int MaxConnectionsPerIp { get; init; } = 256;

    /// <summary>
    /// <c>Http1</c> (default) or <c>Http2</c>: HTTP/2 over cleartext with prior knowledge only (h2c; HTTP/1.1 clients are
    /// refused), e.g. behind a proxy that speaks h2c. The node has no TLS, and Kestrel cannot offer both versions on one
    /// cleartext port, so HTTP/2 — and with it the ledger trailers on streams — needs this setting.
    /// </summary>
    public string Protocols { get; init; } = Http1;

    /// <summary>
    /// Graceful shutdown (SIGTERM, Ctrl+C): the node stops accepting requests at once, lets in-flight ones finish for this
    /// many seconds, then cancels the rest (their ledger entries are written as cancelled, streams end with an in-band
    /// <c>shutting_down</c> error and <c>[DONE]</c>), flushes the ledger and signs a final checkpoint. 0 cancels at once.
    /// </summary>
    public int ShutdownGraceSeconds { get; init; } = 10;

    public const string Http1 = "Http1";
    public const string Http2 = "Http2";

    /// <summary>
    /// API keys: <c>Auto</c> (default) asks for none until the node's first key is created and for one on every request from
    /// then on, also after every key is revoked or <c>keys.json</c> is deleted; <c>Required</c> asks from the start, so a node
    /// without an active key answers 401 (see docs/server.md, "Keys").
    /// </summary>
    public string Auth { get; init; } = AuthAuto;

    public const string AuthAuto = "Auto";
    public const string AuthRequired = "Required";
}

/// <summary>Local GGUF models: loading, keep-alive, limits and the per-model scheduler.</summary>
public sealed record LocalModelOptions
{
    /// <summary>How long an idle model stays loaded (Ollama's <c>keep_alive</c>); 0 unloads right after each request.</summary>
    public int KeepAliveSeconds { get; init; } = 300;

    /// <summary>At most this many models loaded at once (like <c>OLLAMA_MAX_LOADED_MODELS</c>); the least recently used idle one is evicted.</summary>
    public int MaxLoadedModels { get; init; } = 2;

    /// <summary>Cap on the summed file size of loaded models, in bytes; 0 means 75 % of the memory available to the process.</summary>
    public long MemoryCapBytes { get; init; }

    /// <summary>Sequences generated concurrently per loaded model.</summary>
    public int ConcurrentSequencesPerModel { get; init; } = 4;

    /// <summary>Requests allowed to wait per model beyond the running ones; more get 429 with <c>Retry-After</c>.</summary>
    public int QueueCapacity { get; init; } = 32;

    /// <summary>Compute threads per model; 0 uses the processor count.</summary>
    public int Threads { get; init; }

    /// <summary>Context length override; 0 uses the model's own.</summary>
    public int ContextLength { get; init; }

    /// <summary>
    /// Most tokens one embeddings request may embed, summed over its inputs (each input must also fit the context window); more
    /// is refused with 400 before any compute. Default 16,384: four full 4,096-token windows, about 45 s of one slot for a
    /// 135M model on a laptop CPU (the probe measured ~370 tokens/s), instead of hours for an 8 MiB request.
    /// </summary>
    public int MaxEmbeddingTokensPerRequest { get; init; } = 16_384;
}

/// <summary>An OpenAI-compatible upstream (OpenAI, vLLM, llama.cpp server, Ollama, another Hearth node).</summary>
public sealed record UpstreamOptions
{
    /// <summary>Unique name used in logs, metrics and errors.</summary>
    public string Name { get; init; } = "";

    /// <summary>Base URL including the API prefix, e.g. <c>https://api.openai.com/v1</c> or <c>http://10.0.0.5:11435/v1</c>.</summary>
    public string BaseUrl { get; init; } = "";

    /// <summary>Bearer key sent upstream (optional).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Model names served through this upstream: <c>"name"</c>, or <c>"name=upstream-model-id"</c> to rename.</summary>
    public List<string> Models { get; init; } = [];

    /// <summary>Whole-request timeout for non-streamed calls and for the wait for response headers when streaming.</summary>
    public int TimeoutSeconds { get; init; } = 120;

    /// <summary>Streaming: the longest silence between two chunks before the stream is abandoned (504 before the first chunk).</summary>
    public int StreamIdleTimeoutSeconds { get; init; } = 60;

    /// <summary>TCP connect timeout.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 5;

    /// <summary>Retries of a failed attempt (connection errors, 5xx, 429) — only before the first byte of a response is used.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>Circuit breaker: failures in the sampling window before the circuit opens.</summary>
    public int BreakerMinimumThroughput { get; init; } = 4;

    /// <summary>Circuit breaker: how long a broken upstream is skipped before one trial request.</summary>
    public int BreakDurationSeconds { get; init; } = 15;

    /// <summary>Ledger: active parameters (billions) of the upstream's models, for the remote energy estimate.</summary>
    public double ActiveParamsBillions { get; init; } = 70;

    /// <summary>Ledger: the provider's PUE for the remote energy estimate.</summary>
    public double ProviderPue { get; init; } = 1.2;
}

/// <summary>OpenTelemetry export.</summary>
public sealed record TelemetryOptions
{
    /// <summary>OTLP endpoint (e.g. <c>http://127.0.0.1:4317</c>); traces are exported only when set.</summary>
    public string? OtlpEndpoint { get; init; }
}
