using Hearth.Contracts;
using Hearth.Server.Backends;
using Hearth.Server.Pipeline;
using Hearth.Server.Tests.Support;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Pipeline;

/// <summary>The route stamps over hand-written inner clients: the model id the backend expects and the serving model the ledger records, on a copy of the caller's options.</summary>
public sealed class RouteStampTests
{
    private static readonly ModelDescriptor Local = new("tiny", BackendKind.Local, "hearth", null, "/models/tiny.gguf", 1, DateTimeOffset.UnixEpoch);
    private static readonly ModelDescriptor Upstream = new("gpt", BackendKind.Upstream, "cloud", "gpt-4o-2024", null, 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task GetResponseAsync_UpstreamModel_PassesTheRemoteIdAndLeavesTheCallersOptionsAlone()
    {
        var inner = new FakeChatClient();
        using var client = new RouteStampChatClient(inner, Upstream);
        var options = new ChatOptions { ModelId = "gpt", Temperature = 0.5f };

        await client.GetResponseAsync("Hi", options);

        var seen = Assert.Single(inner.Calls);
        Assert.NotSame(options, seen);
        Assert.Equal("gpt-4o-2024", seen!.ModelId);
        Assert.Equal(0.5f, seen.Temperature);
        Assert.Equal("gpt", options.ModelId);
        Assert.Null(options.AdditionalProperties);
        Assert.Equal(new ServingModel("gpt", "upstream:cloud"), seen.GetServingModel());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LocalModelWithoutOptions_PassesTheModelIdAndEveryUpdate()
    {
        var inner = new FakeChatClient { StreamedTexts = ["a", "b"] };
        using var client = new RouteStampChatClient(inner, Local);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync("Hi"))
        {
            updates.Add(u);
        }

        var seen = Assert.Single(inner.Calls);
        Assert.Equal("tiny", seen!.ModelId);
        Assert.Equal(new ServingModel("tiny", "local"), seen.GetServingModel());
        Assert.Equal(3, updates.Count);
        Assert.Equal("ab", string.Concat(updates.Select(u => u.Text)));
    }

    [Theory]
    [InlineData(BackendKind.Local, "hearth", "local")]
    [InlineData(BackendKind.Upstream, "cloud", "upstream:cloud")]
    public void BackendName_Kind_NamesTheBackendForTheLedger(BackendKind kind, string ownedBy, string expected) =>
        Assert.Equal(expected, RouteStampChatClient.BackendName(new ModelDescriptor("m", kind, ownedBy, null, null, 0, DateTimeOffset.UnixEpoch)));

    [Fact]
    public async Task GenerateAsync_UpstreamModel_PassesTheRemoteIdOnACopy()
    {
        var inner = new FakeEmbeddingGenerator();
        using var generator = new RouteStampEmbeddingGenerator(inner, Upstream);
        var options = new EmbeddingGenerationOptions { ModelId = "gpt", Dimensions = 8 };

        var result = await generator.GenerateAsync(["a", "b"], options);

        Assert.Equal(2, result.Count);
        var seen = Assert.Single(inner.Calls);
        Assert.Equal("gpt-4o-2024", seen!.ModelId);
        Assert.Equal(8, seen.Dimensions);
        Assert.Equal("gpt", options.ModelId);
        Assert.Equal(new ServingModel("gpt", "upstream:cloud"), seen.GetServingModel());
        Assert.Null(options.GetServingModel());
    }

    private sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<EmbeddingGenerationOptions?> Calls { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            Calls.Add(options);
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[] { 1f, 0f }))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
