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
    public async Task GetResponse_AppendsEntryAndExposesHeaders()
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
        Assert.Same(entry, response.AdditionalProperties![MeteringChatClient.EntryKey]);
        Assert.Equal("modelled", response.AdditionalProperties[LedgerHeaders.Method]);
        Assert.NotNull(response.AdditionalProperties[LedgerHeaders.EnergyWattHours]);
        Assert.NotNull(response.AdditionalProperties[LedgerHeaders.CarbonGrams]);
        Assert.NotNull(response.AdditionalProperties[LedgerHeaders.WaterLiters]);
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
        Assert.Same(entry, updates[^1].AdditionalProperties![MeteringChatClient.EntryKey]);
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
        Assert.Equal(entry.EntryId.ToString("N"), updates[0].AdditionalProperties![LedgerHeaders.EntryId]);
        Assert.Equal("modelled", updates[0].AdditionalProperties![LedgerHeaders.Method]);
        Assert.Equal(entry.EntryId.ToString("N"), updates[^1].AdditionalProperties![LedgerHeaders.EntryId]);
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
    public void Headers_Entry_FormatsInvariant()
    {
        var h = LedgerHeaders.For(Fixtures.Entry(0) with { EnergyWattHours = 0.00125, OperationalGramsCo2e = 0.5, EmbodiedGramsCo2e = 0.25, WaterLiters = 0.002 });
        Assert.Equal(
            [new("x-hearth-energy-wh", "0.00125"), new("x-hearth-carbon-g", "0.75"), new("x-hearth-water-l", "0.002"), new KeyValuePair<string, string>("x-hearth-method", "modelled")],
            h);
    }
}
