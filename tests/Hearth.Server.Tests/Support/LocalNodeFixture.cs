using Hearth.Inference.Import;
using Hearth.Benchmarks.Gateway;
using Hearth.Server.Hosting;
using Hearth.TestSupport;

namespace Hearth.Server.Tests.Support;

/// <summary>
/// One real node for a test collection: stories260K (the shared llama2.c checkpoint converted to GGUF) in its models folder,
/// plus the fixed upstream configured as "fixed-model". Started once; tests must not change its state in ways others see.
/// </summary>
public sealed class LocalNodeFixture : IAsyncLifetime
{
    public const string LocalModel = "stories260K";

    private readonly TempDir _home = new("hearth-local-");

    public HearthNode Node { get; private set; } = null!;
    public FixedResponseUpstream Upstream { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var models = Path.Combine(_home.Path, "models");
        Directory.CreateDirectory(models);
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"),
            Path.Combine(models, LocalModel + ".gguf"));
        Upstream = await FixedResponseUpstream.StartAsync();
        var options = TestNodes.Options(_home, TestNodes.Upstream("fixed", Upstream.BaseAddress, FixedResponseUpstream.ModelId));
        options = options with { Local = options.Local with { Threads = 1, KeepAliveSeconds = 600 } };
        Node = await TestNodes.StartAsync(options);
        Http = new HttpClient { BaseAddress = Node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Node.DisposeAsync();
        await Upstream.DisposeAsync();
        _home.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class LocalNodeCollection : ICollectionFixture<LocalNodeFixture>
{
    public const string Name = "local node";
}
