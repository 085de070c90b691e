using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Hearth.Ledger.Carbon;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Tests.Chat;

/// <summary>A local engine's CPU figure in the usage (<see cref="RequestContext.GetEngineCpuTime"/>) becomes the entry's CpuSeconds.</summary>
public class MeteringChatClientCpuTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Answers with a usage that optionally carries the engine's CPU microseconds; advances the process clock by 1 s.</summary>
    private sealed class EngineLikeClient(Action burnCpu, long? cpuMicroseconds) : IChatClient
    {
        private UsageDetails Usage()
        {
            var usage = new UsageDetails { InputTokenCount = 5, OutputTokenCount = 7 };
            if (cpuMicroseconds is { } us)
            {
                usage.SetEngineCpuTime(TimeSpan.FromMicroseconds(us));
            }
            return usage;
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            burnCpu();
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hello")) { Usage = Usage() });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            burnCpu();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "hello");
            yield return new ChatResponseUpdate { Contents = [new UsageContent(Usage())] };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }


    private static (MeteringChatClient Client, ListAppender Ledger) Build(long? cpuMicroseconds)
    {
        double cpu = 0;
        var options = new LedgerOptions { Zone = "FRA", Cpu = new CpuPowerOptions { WattsPerCore = 10, DramWattsPerGib = 0 } };
        var clock = new ManualTimeProvider(Start);
        var s = new StaticZoneIntensitySource();
        var live = new LiveIntensity(s, options.Zone, s.Get(options.Zone, Start), TimeSpan.MaxValue, clock);
        var meter = new RequestMeter(options, live, CpuPowerModel.Create(options.Cpu, "/nonexistent"), null, null, clock, () => cpu);
        var ledger = new ListAppender();
        return (new EngineLikeClient(() => cpu += 1.0, cpuMicroseconds).UseHearthMetering(meter, ledger), ledger);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_UsageCarriesEngineCpu_EntryCpuSecondsEqualsTheReportedFigure(bool streaming)
    {
        var (client, ledger) = Build(cpuMicroseconds: 123_456);
        using (client)
        {
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
                {
                }
            }
            else
            {
                await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
            }
        }
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal(0.123456, entry.CpuSeconds);   // not the 1 s of process CPU the call burned
        Assert.Equal(EnergyMethod.Modelled, entry.EnergyMethod);
        Assert.Equal((5L, 7L), (entry.TokensIn, entry.TokensOut));
    }

    [Fact]
    public async Task Call_UsageWithoutEngineCpu_FallsBackToTheProcessCpuSplit()
    {
        var (client, ledger) = Build(cpuMicroseconds: null);
        using (client)
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
        }
        Assert.Equal(1.0, Assert.Single(ledger.Entries).CpuSeconds, 9);
    }
}
