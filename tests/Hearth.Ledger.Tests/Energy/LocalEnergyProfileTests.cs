using Hearth.Contracts;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Tests.Energy;

public class LocalEnergyProfileTests
{
    /// <summary>A local engine's answer: 10 tokens in, 20 out, 30 ms of its own CPU time (1 ms per token).</summary>
    private sealed class EngineLikeClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 20 };
            usage.SetEngineCpuTime(TimeSpan.FromMilliseconds(30));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hello")) { Usage = usage });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("not used by these tests");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class ListAppender : ILedgerAppender
    {
        public ValueTask<LedgerEntry> AppendAsync(LedgerEntry entry, CancellationToken cancellationToken) => ValueTask.FromResult(entry with { Sequence = 1 });
    }

    private static LedgerEntry Entry(double cpuSeconds, long tokensIn, long tokensOut, RequestOutcome outcome = RequestOutcome.Ok) =>
        Fixtures.Entry(0) with { CpuSeconds = cpuSeconds, TokensIn = tokensIn, TokensOut = tokensOut, Outcome = outcome };

    [Fact]
    public void Observe_TwoEntries_WeightsNewestByOneFifth()
    {
        var profile = new LocalEnergyProfile();
        Assert.Null(profile.CpuSecondsPerToken("tiny"));

        profile.Observe("tiny", Entry(0.1, 4, 6));    // 0.01 s/token
        profile.Observe("tiny", Entry(0.2, 5, 5));    // 0.02 s/token

        Assert.Equal(0.012, profile.CpuSecondsPerToken("tiny")!.Value, 12);
        Assert.Null(profile.CpuSecondsPerToken("other"));
    }

    [Fact]
    public void Observe_NoTokensOrNoCpu_Ignored()
    {
        var profile = new LocalEnergyProfile();

        profile.Observe("tiny", Entry(0.1, 0, 0));
        profile.Observe("tiny", Entry(0, 5, 5));
        profile.Observe("tiny", Entry(double.NaN, 5, 5));

        Assert.Null(profile.CpuSecondsPerToken("tiny"));
    }

    [Fact]
    public void ObserverFor_CancelledOrFailedEntry_Ignored()
    {
        var profile = new LocalEnergyProfile();
        var observe = profile.ObserverFor("tiny");

        observe(Entry(0.1, 5, 5, RequestOutcome.Cancelled));
        observe(Entry(0.1, 5, 5, RequestOutcome.Error));
        Assert.Null(profile.CpuSecondsPerToken("tiny"));

        observe(Entry(0.1, 5, 5));
        Assert.Equal(0.01, profile.CpuSecondsPerToken("tiny")!.Value, 12);
    }

    [Fact]
    public async Task ObserverFor_ChainedIntoMetering_LearnsFromEachCompletedCall()
    {
        var profile = new LocalEnergyProfile();
        LedgerEntry? first = null;
        var options = new MeteringChatClientOptions { OnEntry = e => first = e }.AlsoOnEntry(profile.ObserverFor("tiny"));
        using var client = new ChatClientBuilder(new EngineLikeClient()).UseMetering(RequestMeter.Create(new LedgerOptions()), new ListAppender(), options).Build();

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "tiny" });

        Assert.NotNull(first);                          // the observer already set still runs
        Assert.Equal(0.001, profile.CpuSecondsPerToken("tiny")!.Value, 9);
    }
}
