using Hearth.Ledger.Budgets;
using Hearth.Contracts;
using Hearth.Server.Backends;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Integration;

/// <summary>
/// The outermost ledger stage for embeddings: checks the tenant's and key's budgets first. <c>Refuse</c> → 429
/// <c>budget_exceeded</c>. <c>Downgrade</c> on an upstream model is refused too (also 429, saying why): another model's vectors
/// live in a different space, so silently answering with a local model would corrupt the caller's index. On a local model a
/// <c>Downgrade</c> budget lets the request through, as for chat.
/// </summary>
internal sealed class BudgetEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, ModelDescriptor model, BudgetGuard budgets)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var facts = options.GetRequestFacts();
        var decision = budgets.Check(facts.Tenant ?? "", facts.ApiKeyId ?? "");
        switch (decision.Outcome)
        {
            case BudgetOutcome.Refuse:
                throw BudgetChatClient.Exhausted(decision.Message);
            case BudgetOutcome.Downgrade when model.Kind == BackendKind.Upstream:
                throw BudgetChatClient.Exhausted(decision.Message +
                    " Embeddings are not downgraded to a local model: its vectors would not be comparable with this model's.");
            default:
                return base.GenerateAsync(values, options, cancellationToken);
        }
    }
}
