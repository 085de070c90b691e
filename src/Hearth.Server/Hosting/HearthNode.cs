using System.Net;
using Hearth.Server.Auth;
using Hearth.Server.Backends;
using Hearth.Server.Backends.Local;
using Hearth.Server.Configuration;
using Hearth.Ledger;
using Hearth.Ledger.Energy;
using Hearth.Routing.Carbon;
using Hearth.Routing.Hybrid;
using Hearth.Server.Http;
using Hearth.Server.LedgerApi;
using Hearth.Server.Pipeline;
using Hearth.Server.Observability;
using Hearth.Server.Ollama;
using Hearth.Server.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hearth.Server.Hosting;

/// <summary>
/// A running Hearth node: Kestrel on the configured address, the OpenAI and Ollama APIs, health, metrics, auth.
/// <c>hearth serve</c> and the tests start it the same way. Dispose to stop.
/// </summary>
public sealed class HearthNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TracerProvider? _tracing;
    private HttpClient? _ledgerHttp;
    private readonly IDisposable _carbon;
    private ShutdownDrain? _drain;

    private HearthNode(WebApplication app, HearthOptions options, ModelCatalog catalog, ModelBackends backends, HearthMetrics metrics, ApiKeyStore keys, TracerProvider? tracing,
        LedgerNode ledger, NodeRouter router, IDisposable carbon)
    {
        _carbon = carbon;
        Ledger = ledger;
        Router = router;
        _app = app;
        Options = options;
        Catalog = catalog;
        Backends = backends;
        Metrics = metrics;
        Keys = keys;
        _tracing = tracing;
        ListenAddresses = [.. app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses];
        var address = ListenAddresses[0];
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    public HearthOptions Options { get; }
    public ModelCatalog Catalog { get; }
    public ModelBackends Backends { get; }
    public HearthMetrics Metrics { get; }
    public ApiKeyStore Keys { get; }

    /// <summary>The carbon ledger every chat and embedding request is metered into (opened at start, flushed and closed at stop).</summary>
    public LedgerNode Ledger { get; }

    /// <summary>The router behind <c>model: "hearth/auto"</c>.</summary>
    public NodeRouter Router { get; }

    /// <summary>
    /// Where a client on this machine reaches the node, e.g. <c>http://127.0.0.1:11435/</c> (the real port when 0 was configured;
    /// loopback also when the node listens on all interfaces — see <see cref="ListenAddresses"/>).
    /// </summary>
    public Uri BaseAddress { get; }

    /// <summary>The addresses the listener is bound to, as Kestrel reports them (e.g. <c>http://[::]:11435</c> for <c>Server:Host = *</c>).</summary>
    public IReadOnlyList<string> ListenAddresses { get; }

    /// <summary>Every endpoint the node routes to (tests check each one's authorization).</summary>
    internal IReadOnlyList<Microsoft.AspNetCore.Http.Endpoint> Endpoints => _app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints;

    /// <summary>Builds and starts a node. Options must already be validated (see <see cref="HearthConfiguration.Load"/>).</summary>
    public static async Task<HearthNode> StartAsync(HearthOptions options, Action<HearthNodeSetup>? configure = null, CancellationToken cancellationToken = default)
    {
        HearthOptionsValidator.Validate(options);
        var setup = new HearthNodeSetup();
        configure?.Invoke(setup);
        var home = options.Home ?? HearthHome.Resolve();
        options = options with { Home = home };
        Directory.CreateDirectory(HearthHome.ModelsDirectory(home));

        var ledgerOptions = NodeLedger.Resolve(options.Ledger, home);
        var http = NodeLedger.CreateIntensityHttpClient(ledgerOptions);
        LedgerNode ledger;
        try
        {
            ledger = await LedgerNode.OpenAsync(ledgerOptions, http, setup.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            http.Dispose();
            throw;
        }
        try
        {
            var node = await StartWithLedgerAsync(options, setup, home, ledger, cancellationToken).ConfigureAwait(false);
            node._ledgerHttp = http;
            return node;
        }
        catch
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
            http.Dispose();
            throw;
        }
    }

    private static async Task<HearthNode> StartWithLedgerAsync(HearthOptions options, HearthNodeSetup setup, string home, LedgerNode ledger, CancellationToken cancellationToken)
    {
        var metrics = new HearthMetrics();
        var keys = new ApiKeyStore(HearthHome.KeysFile(home), setup.TimeProvider, options.Server.Auth == ServerOptions.AuthRequired);
        if (keys.LoadError is { } keysError)
        {
            throw keysError; // fail closed and loud: a node never starts on a keys file it cannot read
        }
        var catalog = new ModelCatalog(options, setup.TimeProvider);
        var energy = new LocalEnergyProfile();
        var loader = setup.LocalModelLoader ?? DefaultLocalModelLoader.Create();
        var backends = new ModelBackends(options, loader, setup.TimeProvider,
            pipelineFor: b => new NodePipeline(options, catalog, b, metrics, energy, ledger, [.. setup.ChatStages]));
        var routingBackends = new NodeRoutingBackends(options, catalog, backends);
        var carbon = new NodeCarbonEstimate(options.Routing ?? new Hearth.Routing.Policies.RoutingOptions(), ledger, routingBackends, energy.CpuSecondsPerToken, setup.TimeProvider);
        var router = new NodeRouter(options.Routing, routingBackends, carbon);
        RegisterGauges(metrics, backends);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(setup.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // The host's only error entry is "Hosting failed to start" with the whole stack; StartAsync rethrows that exception to
        // the caller, which reports it in one line (hearth serve: "port N is in use").
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        foreach (var provider in setup.LoggerProviders)
        {
            builder.Logging.AddProvider(provider);
        }
        // One warning per connection refused at Server:MaxConcurrentConnections would turn a connection flood into a log flood.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.Error);
        var perIp = new ConnectionLimits.PerIpLimiter(options.Server.MaxConnectionsPerIp);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.Server.MaxRequestBodyBytes;
            k.Limits.MaxConcurrentConnections = ConnectionLimits.MaxConnections(options.Server);
            k.Limits.MaxConcurrentUpgradedConnections = k.Limits.MaxConcurrentConnections;
            var protocols = options.Server.Protocols == ServerOptions.Http2 ? HttpProtocols.Http2 : HttpProtocols.Http1;
            void Configure(ListenOptions l)
            {
                l.Protocols = protocols;
                l.Use(perIp.Use);
            }
            switch (options.Server.Host)
            {
                case "localhost": k.ListenLocalhost(options.Server.Port, Configure); break;
                case "*": k.ListenAnyIP(options.Server.Port, Configure); break;
                default: k.Listen(IPAddress.Parse(options.Server.Host), options.Server.Port, Configure); break;
            }
        });
        // Shutdown: the grace for in-flight requests, then WindUpSeconds for the cancelled ones to end their responses.
        var drain = new ShutdownDrain(TimeSpan.FromSeconds(options.Server.ShutdownGraceSeconds));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(options.Server.ShutdownGraceSeconds + ShutdownDrain.WindUpSeconds));
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(keys);
        builder.Services.AddRoutingCore();
        builder.Services.AddHearthAuth();

        var app = builder.Build();
        keys.Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ApiKeyStore>();
        drain.Attach(app.Lifetime);
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.Use((context, next) => drain.InvokeAsync(context, next));
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        new OpenAiEndpoints(catalog, backends, setup.TimeProvider, router).Map(app);
        new OllamaEndpoints(catalog, backends, options, setup.TimeProvider, router).Map(app);
        new LedgerEndpoints(NodeLedger.CreateApi(ledger, setup.TimeProvider)).Map(app);
        HealthEndpoints.Map(app, catalog, metrics);
        foreach (var map in setup.Endpoints)
        {
            map(app);
        }
        app.MapFallback(context => throw new Errors.ApiException(404, "invalid_request_error",
            $"No route {context.Request.Method} {context.Request.Path}. See docs/api.md for the endpoints.", null, "unknown_url"));

        TracerProvider? tracing = null;
        if (options.Telemetry.OtlpEndpoint is { } otlp)
        {
            tracing = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("hearth"))
                .AddSource(HearthTelemetry.SourceName, "Microsoft.AspNetCore")
                .AddOtlpExporter(o => o.Endpoint = new Uri(otlp))
                .Build();
        }
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            tracing?.Dispose();
            backends.Dispose();
            carbon.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            drain.Dispose();
            throw;
        }
        return new HearthNode(app, options, catalog, backends, metrics, keys, tracing, ledger, router, carbon) { _drain = drain };
    }

    private static void RegisterGauges(HearthMetrics metrics, ModelBackends backends)
    {
        metrics.Gauges.Add(() => new GaugeReading("hearth_queue_depth", "Requests waiting for a sequence slot, per local model.",
            [.. (backends.Local?.QueueDepths() ?? new Dictionary<string, int>()).Select(kv => new GaugeSample("model", kv.Key, kv.Value))]));
        metrics.Gauges.Add(() =>
        {
            var loaded = backends.Local?.Loaded() ?? [];
            return new GaugeReading("hearth_loaded_models", "Local models loaded in memory.", [new GaugeSample(null, null, loaded.Count)]);
        });
        metrics.Gauges.Add(() => new GaugeReading("hearth_loaded_model_bytes", "Resident bytes of each loaded local model.",
            [.. (backends.Local?.Loaded() ?? []).Select(l => new GaugeSample("model", l.Model.Id, l.ResidentBytes))]));
    }

    /// <summary>
    /// Completes when the node stops (Ctrl+C / SIGTERM or <see cref="DisposeAsync"/>): new requests are refused at once,
    /// in-flight ones get <see cref="ServerOptions.ShutdownGraceSeconds"/> to finish and are then cancelled (see
    /// <see cref="ShutdownDrain"/>). Dispose afterwards: it flushes the ledger and signs the final checkpoint.
    /// </summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Backends.Dispose();
        await Ledger.DisposeAsync().ConfigureAwait(false);
        _ledgerHttp?.Dispose();
        _tracing?.Dispose();
        _carbon.Dispose();
        _drain?.Dispose();
    }
}
