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
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, w) { ModelId = "stories260K" };
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

    private static ChatOptions Options() => new()
    {
        ModelId = "stories260K",
        AdditionalProperties = new()
        {
            [MeteringChatClient.TenantKey] = "acme",
            [MeteringChatClient.RouteKey] = "/v1/chat/completions",
            [MeteringChatClient.ModelVersionKey] = "sha256:feed",
        },
    };

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
    public async Task GetResponse_InnerThrows_NoEntry()
    {
        var ledger = new ListAppender();
        using var client = new MeteringChatClient(new FakeChatClient { Fail = true }, RequestMeter.Create(new LedgerOptions()), ledger);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));
        Assert.Empty(ledger.Entries);
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
