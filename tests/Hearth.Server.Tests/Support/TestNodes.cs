using Hearth.Benchmarks.Gateway;
using Hearth.Server.Configuration;
using Hearth.Server.Hosting;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Support;

/// <summary>Starts real nodes on loopback ephemeral ports with a temporary HEARTH_HOME.</summary>
internal static class TestNodes
{
    public static HearthOptions Options(TempDir home, params UpstreamOptions[] upstreams) => new()
    {
        Home = home.Path,
        Server = new ServerOptions { Host = "127.0.0.1", Port = 0 },
        Upstreams = [.. upstreams],
    };

    public static UpstreamOptions Upstream(string name, Uri baseAddress, params string[] models) => new()
    {
        Name = name,
        BaseUrl = new Uri(baseAddress, "v1").ToString(),
        Models = [.. models],
        TimeoutSeconds = 10,
        ConnectTimeoutSeconds = 2,
    };

    public static Task<HearthNode> StartAsync(HearthOptions options, Action<HearthNodeSetup>? configure = null) =>
        HearthNode.StartAsync(options, setup =>
        {
            setup.MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning;
            configure?.Invoke(setup);
        });

    /// <summary>fixed upstream ← node B (serves "fixed-model") ← node A (serves "chain" = B's "fixed-model").</summary>
    public static async Task<Chain> StartChainAsync(TempDir homeA, TempDir homeB)
    {
        var fixedUpstream = await FixedResponseUpstream.StartAsync();
        var b = await StartAsync(Options(homeB, Upstream("fixed", fixedUpstream.BaseAddress, FixedResponseUpstream.ModelId)));
        var a = await StartAsync(Options(homeA, Upstream("node-b", b.BaseAddress, "chain=" + FixedResponseUpstream.ModelId)));
        return new Chain(fixedUpstream, b, a);
    }

    public static OpenAI.OpenAIClient OpenAiClient(HearthNode node, string key = "unused") =>
        new(new System.ClientModel.ApiKeyCredential(key), new OpenAI.OpenAIClientOptions
        {
            Endpoint = new Uri(node.BaseAddress, "v1"),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
        });
}

internal sealed record Chain(FixedResponseUpstream Fixed, HearthNode B, HearthNode A) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Fixed.DisposeAsync();
    }
}
