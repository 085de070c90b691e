using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Hearth.Inference.Engine;
using Hearth.Inference.Import;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Hearth.TestSupport;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Backends.Local;

/// <summary>
/// The engine's chat client under the ledger's metering: the engine's per-request CPU figure (batched steps split by
/// tokens) travels in the usage and becomes the entry's CpuSeconds, on the chat, streaming and raw-prompt paths.
/// </summary>
public sealed class EngineCpuMeteringTests : IDisposable
{
    private readonly TempDir _dir = new("hearth-cpu-");
    private readonly LoadedModel _model;

    public EngineCpuMeteringTests()
    {
        var path = _dir.File("stories260K.gguf");
        Llama2cImporter.Import(TestData.File("models/stories260K/stories260K.bin"), TestData.File("models/stories260K/tok512.bin"), path);
        _model = LoadedModel.Load(path, new EngineOptions { Threads = 2, MaxConcurrentSequences = 2 });
    }

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    /// <summary>Records the engine's CPU figure of every finished call, keyed by its output tokens.</summary>
    private sealed class UsageTap(IChatClient inner) : DelegatingChatClient(inner)
    {
        public ConcurrentDictionary<long, long> CpuMicrosecondsByOutputTokens { get; } = new();

        private void Record(UsageDetails? usage)
        {
            if (usage.GetEngineCpuTime() is { } cpu)
            {
                CpuMicrosecondsByOutputTokens[usage!.OutputTokenCount ?? -1] = (long)cpu.TotalMicroseconds;
            }
        }

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            Record(response.Usage);
            return response;
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                foreach (var usage in update.Contents.OfType<UsageContent>())
                {
                    Record(usage.Details);
                }
                yield return update;
            }
        }
    }

    private sealed class ListAppender : ILedgerAppender
    {
        public ConcurrentQueue<LedgerEntry> Entries { get; } = new();

        public ValueTask<LedgerEntry> AppendAsync(LedgerEntry entry, CancellationToken cancellationToken)
        {
            Entries.Enqueue(entry);
            return ValueTask.FromResult(entry);
        }
    }

    private (MeteringChatClient Client, UsageTap Tap, ListAppender Ledger) Pipeline()
    {
        var tap = new UsageTap(new LocalChatClient(_model));
        var ledger = new ListAppender();
        return (tap.UseHearthMetering(RequestMeter.Create(new LedgerOptions { Zone = "FRA" }), ledger), tap, ledger);
    }

    private static ChatOptions Options(int maxTokens, bool raw)
    {
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = maxTokens, AdditionalProperties = [] };
        options.SetRawPrompt(raw);
        return options;
    }

    private static async Task CallAsync(IChatClient client, int maxTokens, bool streaming, bool raw)
    {
        ChatMessage[] messages = [new(ChatRole.User, "Once upon a time")];
        if (streaming)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(messages, Options(maxTokens, raw)))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(messages, Options(maxTokens, raw));
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Metered_LocalEngine_EntryCpuSecondsEqualsTheEngineFigure(bool streaming, bool raw)
    {
        var (client, tap, ledger) = Pipeline();
        using (client)
        {
            await CallAsync(client, 10, streaming, raw);
        }
        var entry = Assert.Single(ledger.Entries);
        var micros = tap.CpuMicrosecondsByOutputTokens[entry.TokensOut];
        Assert.True(micros > 0);
        Assert.Equal(micros / 1e6, entry.CpuSeconds);
        Assert.Equal(EnergyMethod.Modelled, entry.EnergyMethod);
    }

    [Fact]
    public async Task Metered_TwoConcurrentOfVeryDifferentLengths_EntriesCpuRoughlyInProportionToTokens()
    {
        var (client, tap, ledger) = Pipeline();
        using (client)
        {
            await CallAsync(client, 4, streaming: false, raw: true);   // warm-up (JIT)
            while (ledger.Entries.TryDequeue(out _))
            {
            }
            await Task.WhenAll(Task.Run(() => CallAsync(client, 16, streaming: true, raw: true)), Task.Run(() => CallAsync(client, 160, streaming: true, raw: true)));
        }
        var entries = ledger.Entries.OrderBy(e => e.TokensOut).ToArray();
        Assert.Equal(2, entries.Length);
        var (small, large) = (entries[0], entries[1]);
        Assert.Equal(16, small.TokensOut);
        Assert.Equal(160, large.TokensOut);
        foreach (var e in entries)
        {
            Assert.Equal(tap.CpuMicrosecondsByOutputTokens[e.TokensOut] / 1e6, e.CpuSeconds);
        }
        // Tokens each ran through the model: its prompt plus every generated token but the last. Shared steps cost less per
        // token than solo ones, so the long request's ratio lies between the token ratio and about twice it (see
        // CpuAttributionTests in the engine's tests). The lower bound is a quarter of the token ratio: with other test assemblies
        // running at once on the 2-core machine, per-step CPU time rises with contention and the short request's few steps can
        // fall in the busiest second (0.67x here and 0.43x in the engine's twin test were seen in CI runs). A swap or an equal
        // split (ratio ~1 or below) stays below it (the token ratio is ~8); the entries' exact figures are checked above.
        var tokenRatio = (double)(large.TokensIn + large.TokensOut - 1) / (small.TokensIn + small.TokensOut - 1);
        Assert.InRange(large.CpuSeconds / small.CpuSeconds, tokenRatio * 0.25, tokenRatio * 3.0);
    }
}
