using Hearth.Contracts;
using Hearth.Ledger.Budgets;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Options;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Tests.Budgets;

public class BudgetEmbeddingGeneratorTests
{
    /// <summary>An embedding generator that counts its calls and returns one 2-dimensional vector per input.</summary>
    private sealed class CountingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public int Calls { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[] { 1, 0 }))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static EmbeddingGenerationOptions Acme()
    {
        var options = new EmbeddingGenerationOptions { ModelId = "embedder" };
        options.SetRequestFacts(new RequestFacts { Tenant = "acme" });
        return options;
    }

    [Fact]
    public async Task Generate_WithinBudget_PassesThrough()
    {
        var inner = new CountingGenerator();
        using var generator = new BudgetEmbeddingGenerator<string, Embedding<float>>(inner, BudgetChatClientTests.Budgets(BudgetPolicy.Refuse, exhausted: false), modelIsLocal: false);

        var result = await generator.GenerateAsync(["a", "b"], Acme());

        Assert.Equal((2, 1), (result.Count, inner.Calls));
    }

    [Fact]
    public async Task Generate_RefuseExhausted_ThrowsBudgetExceeded()
    {
        var inner = new CountingGenerator();
        using var generator = new BudgetEmbeddingGenerator<string, Embedding<float>>(inner, BudgetChatClientTests.Budgets(BudgetPolicy.Refuse), modelIsLocal: true);

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => generator.GenerateAsync(["a"], Acme()));

        Assert.Equal((0, RequestErrorKind.QuotaExceeded, "budget_exceeded"), (inner.Calls, ex.Kind, ex.Code));
    }

    [Fact]
    public async Task Generate_DowngradeOnRemoteModel_RefusedSayingVectorsDiffer()
    {
        var inner = new CountingGenerator();
        using var generator = new BudgetEmbeddingGenerator<string, Embedding<float>>(inner, BudgetChatClientTests.Budgets(BudgetPolicy.Downgrade), modelIsLocal: false);

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => generator.GenerateAsync(["a"], Acme()));

        Assert.Equal(0, inner.Calls);
        Assert.Contains("acme: 1 Wh per day", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("its vectors would not be comparable with this model's.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_DowngradeOnLocalModel_PassesThrough()
    {
        var inner = new CountingGenerator();
        using var generator = new BudgetEmbeddingGenerator<string, Embedding<float>>(inner, BudgetChatClientTests.Budgets(BudgetPolicy.Downgrade), modelIsLocal: true);

        var result = await generator.GenerateAsync(["a"], Acme());

        Assert.Equal((1, 1), (result.Count, inner.Calls));
    }

    [Fact]
    public async Task UseBudgets_EmbeddingGeneratorBuilder_AddsStage()
    {
        var inner = new CountingGenerator();
        using var generator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(inner).UseBudgets(BudgetChatClientTests.Budgets(BudgetPolicy.Refuse), modelIsLocal: false).Build();

        await Assert.ThrowsAsync<BudgetExceededException>(() => generator.GenerateAsync(["a"], Acme()));

        Assert.Equal(0, inner.Calls);
    }
}
