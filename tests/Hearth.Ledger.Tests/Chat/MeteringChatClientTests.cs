using Hearth.Contracts;
using System.Runtime.CompilerServices;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Tests.Chat;

public class MeteringChatClientTests
{
    private sealed class FakeChatClient : IChatClient
    {
        public bool Fail { get; init; }
        public bool FailAfterFirst { get; init; }
        public bool Slow { get; init; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new InvalidOperationException("backend down");
            }
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hello"))
            {
                ModelId = "stories260K",
                Usage = new UsageDetails { InputTokenCount = 11, OutputTokenCount = 22 },
            });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var w in new[] { "Once", " upon", " a time" })
            {
                if (Slow)
                {
                    await Task.Delay(50, cancellationToken);
                }
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, w) { ModelId = "stories260K" };
                if (FailAfterFirst)
                {
                    throw new InvalidOperationException("connection reset");
                }
            }
            yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 3 })] };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class ListAppender : ILedgerAppender
    {
        public List<LedgerEntry> Entries { get; } = [];

        public ValueTask<LedgerEntry> AppendAsync(LedgerEntry entry, CancellationToken cancellationToken)
        {
            var sealedEntry = entry with { Sequence = Entries.Count + 1, Hash = new string('a', 64) };
            Entries.Add(sealedEntry);
            return ValueTask.FromResult(sealedEntry);
        }
    }

    private static ChatOptions Options()
    {
        var options = new ChatOptions { ModelId = "stories260K" };
        options.SetRequestFacts(new RequestFacts { Tenant = "acme" });
        options.SetServingModel(new ServingModel("/v1/chat/completions", "local", "sha256:feed"));
        return options;
    }

    [Fact]
    public async Task GetResponse_AppendsEntryAndExposesMeterResult()
    {
        var ledger = new ListAppender();
        LedgerEntry? seen = null;
        using var client = new FakeChatClient().UseHearthMetering(RequestMeter.Create(new LedgerOptions { Zone = "FRA" }), ledger,
            new MeteringChatClientOptions { OnEntry = e => seen = e });
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Options());
        var entry = Assert.Single(ledger.Entries);
        Assert.Same(entry, seen);
        Assert.Equal(("acme", "/v1/chat/completions", "stories260K", "sha256:feed", 11L, 22L),
            (entry.Tenant, entry.Route, entry.ModelId, entry.ModelVersion, entry.TokensIn, entry.TokensOut));
        var meter = response.GetMeterResult();
        Assert.NotNull(meter);
        Assert.Equal((entry.EntryId.ToString("N"), "modelled"), (meter.EntryId, meter.EnergyMethod));
        Assert.Equal(FiguresOf(entry), meter.Figures);
    }

    [Fact]
    public async Task GetStreamingResponse_FinalUpdateCarriesEntry()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient(), RequestMeter.Create(new LedgerOptions()), ledger);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], Options()))
        {
            updates.Add(u);
        }
        Assert.Equal("Once upon a time", string.Concat(updates.Select(u => u.Text)));
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((3L, 3L), (entry.TokensIn, entry.TokensOut));
        Assert.Equal(new MeterResult(entry.EntryId.ToString("N"), "modelled", FiguresOf(entry)), updates[^1].GetMeterResult());
        Assert.Empty(updates[^1].Contents);
    }

    [Fact]
    public async Task GetResponse_InnerThrows_ErrorEntryThenSameException()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient { Fail = true }, RequestMeter.Create(new LedgerOptions()), ledger);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], Options()));
        Assert.Equal("backend down", ex.Message);
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((RequestOutcome.Error, 0L, 0L, "acme"), (entry.Outcome, entry.TokensIn, entry.TokensOut, entry.Tenant));
    }

    [Fact]
    public async Task GetResponse_ReasonInOptions_EntryCarriesReasonAndPolicy()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient(), RequestMeter.Create(new LedgerOptions()), ledger);
        var options = Options();
        options.SetRoutingOutcome(new RoutingOutcome(null, "predictive: p(large wins) 0.31 < 0.5", Policy: "predictive"));

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);

        var entry = Assert.Single(ledger.Entries);
        Assert.Equal(("predictive: p(large wins) 0.31 < 0.5", "predictive", RequestOutcome.Ok), (entry.Reason, entry.Policy, entry.Outcome));
    }

    [Fact]
    public async Task GetResponse_ResponseCarriesRouterRouteAndReason_ReasonTakenRouteKeptFromOptions()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new TaggingClient(new FakeChatClient()), RequestMeter.Create(new LedgerOptions()), ledger);
        var options = Options();
        options.SetRoutingOutcome(new RoutingOutcome(null, "", Policy: "local-only")); // the router's decision, reason to come

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);

        var entry = Assert.Single(ledger.Entries);
        Assert.Equal("local-only: largest local backend", entry.Reason);
        Assert.Equal("local-only", entry.Policy);
        Assert.Equal("/v1/chat/completions", entry.Route); // not the routing outcome's backend name
    }

    [Fact]
    public async Task GetResponse_PolicyWithoutReason_NoPolicyRecorded()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient(), RequestMeter.Create(new LedgerOptions()), ledger);
        var options = Options();
        options.SetRequestFacts(options.GetRequestFacts() with { Policy = "cascade" }); // a header on a request no router decided

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);

        Assert.Equal(("", ""), (ledger.Entries[0].Reason, ledger.Entries[0].Policy));
    }

    [Fact]
    public async Task GetStreamingResponse_FirstUpdateCarriesEntryIdAndMethod_SameIdAsEntry()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient(), RequestMeter.Create(new LedgerOptions()), ledger);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], Options()))
        {
            updates.Add(u);
        }
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal(new MeterResult(entry.EntryId.ToString("N"), "modelled", null), updates[0].GetMeterResult());
        Assert.Equal(entry.EntryId.ToString("N"), updates[^1].GetMeterResult()?.EntryId);
        Assert.Equal(RequestOutcome.Ok, entry.Outcome);
    }

    [Fact]
    public async Task GetStreamingResponse_OuterStageTagsFirstUpdate_EntryCarriesReason()
    {
        var ledger = new ListAppender();
        using var metered = new MeteringChatClient(new FakeChatClient(), RequestMeter.Create(new LedgerOptions()), ledger);
        using var router = new TaggingClient(metered);
        await foreach (var _ in router.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], Options()))
        {
        }
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal("local-only: largest local backend", entry.Reason);
        Assert.Equal("/v1/chat/completions", entry.Route);
    }

    [Fact]
    public async Task GetStreamingResponse_ConsumerStopsAfterTwoUpdates_CancelledEntryWithTokensSoFar()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient(), RequestMeter.Create(new LedgerOptions()), ledger);
        var seen = 0;
        await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], Options()))
        {
            if (++seen == 2)
            {
                break;
            }
        }
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((RequestOutcome.Cancelled, 2L, 0L), (entry.Outcome, entry.TokensOut, entry.TokensIn));
    }

    [Fact]
    public async Task GetStreamingResponse_TokenCancelledMidStream_CancelledEntryAndCancellationPropagates()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient { Slow = true }, RequestMeter.Create(new LedgerOptions()), ledger);
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], Options(), cts.Token))
            {
                cts.Cancel();
            }
        });
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((RequestOutcome.Cancelled, 1L), (entry.Outcome, entry.TokensOut));
    }

    [Fact]
    public async Task GetStreamingResponse_InnerFailsMidStream_ErrorEntry()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient { FailAfterFirst = true }, RequestMeter.Create(new LedgerOptions()), ledger);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], Options()))
            {
            }
        });
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((RequestOutcome.Error, 1L), (entry.Outcome, entry.TokensOut));
    }

    /// <summary>Plays a router: tags the response (and the first streamed update) with a decision.</summary>
    private sealed class TaggingClient(IChatClient inner) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var r = await base.GetResponseAsync(messages, options, cancellationToken);
            r.SetRoutingOutcome(new RoutingOutcome("some-backend", "local-only: largest local backend"));
            return r;
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var first = true;
            await foreach (var u in base.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                if (first)
                {
                    u.SetRoutingOutcome(new RoutingOutcome("some-backend", "local-only: largest local backend"));
                    first = false;
                }
                yield return u;
            }
        }
    }

    [Fact]
    public void ResultOf_Entry_CarriesIdMethodAndFigures()
    {
        var entry = Fixtures.Entry(0) with
        {
            EnergyWattHours = 0.00125, EnergyUncertaintyFraction = 0.3, OperationalGramsCo2e = 0.5, EmbodiedGramsCo2e = 0.25, WaterLiters = 0.002,
        };

        var result = MeteredCall.ResultOf(entry);

        Assert.Equal(new MeterResult(entry.EntryId.ToString("N"), "modelled", new MeteredFigures(0.00125, 0.3, 0.5, 0.25, 0.002)), result);
        Assert.Equal(0.75, result.Figures!.TotalGramsCo2e);
    }

    internal static MeteredFigures FiguresOf(LedgerEntry e) =>
        new(e.EnergyWattHours, e.EnergyUncertaintyFraction, e.OperationalGramsCo2e, e.EmbodiedGramsCo2e, e.WaterLiters);
}

public class LedgerBuilderExtensionsTests
{
    private sealed class OneAnswerClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hello")) { Usage = new UsageDetails { InputTokenCount = 2, OutputTokenCount = 1 } });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("not used by these tests");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class OneVectorGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>([new Embedding<float>(new float[] { 1 })]) { Usage = new UsageDetails { InputTokenCount = 3 } });

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class CountingAppender : ILedgerAppender
    {
        public List<LedgerEntry> Entries { get; } = [];

        public ValueTask<LedgerEntry> AppendAsync(LedgerEntry entry, CancellationToken cancellationToken)
        {
            Entries.Add(entry);
            return ValueTask.FromResult(entry);
        }
    }

    [Fact]
    public async Task UseMetering_ChatClientBuilder_OneEntryPerCallAndMeterResult()
    {
        var ledger = new CountingAppender();
        using var client = new ChatClientBuilder(new OneAnswerClient()).UseMetering(RequestMeter.Create(new LedgerOptions()), ledger).Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((2L, 1L), (entry.TokensIn, entry.TokensOut));
        Assert.Equal(entry.EntryId.ToString("N"), response.GetMeterResult()?.EntryId);
    }

    [Fact]
    public async Task UseMetering_EmbeddingGeneratorBuilder_OneEntryPerCallAndMeterResult()
    {
        var ledger = new CountingAppender();
        using var generator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(new OneVectorGenerator())
            .UseMetering(RequestMeter.Create(new LedgerOptions()), ledger).Build();

        var result = await generator.GenerateAsync(["abc"]);

        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((3L, 0L), (entry.TokensIn, entry.TokensOut));
        Assert.Equal(entry.EntryId.ToString("N"), result.GetMeterResult()?.EntryId);
    }

    [Fact]
    public void AlsoOnEntry_ExistingObserver_CallsBothInOrder()
    {
        var calls = new List<string>();
        var options = new MeteringChatClientOptions { OnEntry = _ => calls.Add("first") }.AlsoOnEntry(_ => calls.Add("second"));

        options.OnEntry!(Fixtures.Entry(0));

        Assert.Equal(["first", "second"], calls);
    }
}
