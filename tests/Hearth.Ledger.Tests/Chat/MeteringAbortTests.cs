using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Tests.Chat;

/// <summary>Issue 10, item 16: a cancelled call records the prompt tokens the backend reported; a refusal records nothing.</summary>
public class MeteringAbortTests
{
    private static HearthRequestException Refused() => new(RequestErrorKind.RateLimited, "queue full", null, "queue_full") { RefusedBeforeWork = true };

    /// <summary>Reports <paramref name="promptTokens"/> through the observer, streams two tokens, then waits to be cancelled (or throws <paramref name="refusal"/> first).</summary>
    private sealed class BackendStub(int promptTokens, Exception? refusal = null) : IChatClient
    {
        public ChatOptions? Seen { get; private set; }

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Start(options);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Start(options);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Once");
            yield return new ChatResponseUpdate(ChatRole.Assistant, " upon");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        private void Start(ChatOptions? options)
        {
            Seen = options;
            if (refusal is not null)
            {
                throw refusal;
            }
            options.ReportPromptTokens(promptTokens);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }


    private static MeteringChatClient Metered(IChatClient inner, ListAppender ledger) =>
        new(inner, RequestMeter.Create(new LedgerOptions { Zone = "FRA" }), ledger);

    [Fact]
    public async Task GetResponse_CancelledAfterPromptTokenized_EntryRecordsPromptTokens()
    {
        var ledger = new ListAppender();
        var backend = new BackendStub(promptTokens: 37);
        using var client = Metered(backend, ledger);
        using var cts = new CancellationTokenSource();
        var caller = new ChatOptions { ModelId = "m" };

        var call = client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], caller, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((RequestOutcome.Cancelled, 37L, 0L), (entry.Outcome, entry.TokensIn, entry.TokensOut));
        Assert.Null(caller.AdditionalProperties); // the observer went on a clone, not on the caller's options
        Assert.NotSame(caller, backend.Seen);
    }

    [Fact]
    public async Task GetStreamingResponse_CancelledMidStream_EntryRecordsPromptTokensAndTokensSoFar()
    {
        var ledger = new ListAppender();
        using var client = Metered(new BackendStub(promptTokens: 12), ledger);
        using var cts = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, cts.Token))
            {
                if (++received == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });

        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((RequestOutcome.Cancelled, 12L, 2L), (entry.Outcome, entry.TokensIn, entry.TokensOut));
    }

    [Fact]
    public async Task GetResponseAndStreaming_BackendRefusesBeforeWork_NoEntry()
    {
        var ledger = new ListAppender();
        using var client = Metered(new BackendStub(0, Refused()), ledger);

        var e = await Assert.ThrowsAsync<HearthRequestException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));
        Assert.Equal("queue_full", e.Code);
        await Assert.ThrowsAsync<HearthRequestException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
            }
        });

        Assert.Empty(ledger.Entries);
    }

    [Fact]
    public async Task GetResponse_BackendRequestErrorAfterWork_RecordsErrorEntry()
    {
        var ledger = new ListAppender();
        using var client = Metered(new BackendStub(0, new HearthRequestException(RequestErrorKind.BadGateway, "upstream broke", null, "bad_gateway")), ledger);

        await Assert.ThrowsAsync<HearthRequestException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(RequestOutcome.Error, Assert.Single(ledger.Entries).Outcome);
    }
}
