using Hearth.Contracts;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Tests.Chat;

public class MeteringEmbeddingGeneratorTests
{
    private sealed class FakeGenerator(Exception? failure = null) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (failure is not null)
            {
                throw failure;
            }
            var list = values.ToList();
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(v => new Embedding<float>(new float[] { v.Length, 1 }) { ModelId = "embedder" }))
            {
                Usage = new UsageDetails { InputTokenCount = list.Sum(v => v.Length), TotalTokenCount = list.Sum(v => v.Length) },
            });
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }


    private static EmbeddingGenerationOptions Options()
    {
        var options = new EmbeddingGenerationOptions { ModelId = "embedder" };
        options.SetRequestFacts(new RequestFacts { Tenant = "acme" });
        options.SetServingModel(new ServingModel("embedder", "local"));
        return options;
    }

    [Fact]
    public async Task Generate_TwoInputs_EntryWithInputTokensAndMeterResult()
    {
        var ledger = new ListAppender();
        using var generator = new FakeGenerator().UseHearthMetering(RequestMeter.Create(new LedgerOptions { Zone = "FRA" }), ledger);

        var result = await generator.GenerateAsync(["abc", "defgh"], Options());

        var entry = Assert.Single(ledger.Entries);
        Assert.Equal(("acme", "embedder", "local", 8L, 0L, RequestOutcome.Ok), (entry.Tenant, entry.Route, entry.Backend, entry.TokensIn, entry.TokensOut, entry.Outcome));
        Assert.True(entry.EnergyWattHours > 0);
        Assert.Equal(new MeterResult(entry.EntryId.ToString("N"), "modelled", MeteringChatClientTests.FiguresOf(entry)), result.GetMeterResult());
        Assert.Equal(2, result.Count);
    }

    [Fact]
    public async Task Generate_InnerFails_ErrorEntryAndSameException()
    {
        var ledger = new ListAppender();
        using var generator = new MeteringEmbeddingGenerator<string, Embedding<float>>(new FakeGenerator(new HttpRequestException("refused")),
            RequestMeter.Create(new LedgerOptions()), ledger);

        await Assert.ThrowsAsync<HttpRequestException>(() => generator.GenerateAsync(["abc"], Options()));

        Assert.Equal(RequestOutcome.Error, Assert.Single(ledger.Entries).Outcome);
    }
}
