using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Budgets;

/// <summary>
/// The budget stage for embeddings: checks the tenant's and key's budgets first (from the request's
/// <see cref="RequestFacts"/>). <see cref="BudgetOutcome.Refuse"/> → <see cref="BudgetExceededException"/>.
/// <see cref="BudgetOutcome.Downgrade"/> on a remote model is refused too, saying why: another model's vectors live in a
/// different space, so silently answering with a local model would corrupt the caller's index. On a model that runs on this
/// node a <see cref="BudgetOutcome.Downgrade"/> budget lets the request through, as for chat. Thread-safe.
/// </summary>
/// <param name="inner">The model's pipeline below the budgets (metering and the backend).</param>
/// <param name="budgets">The node's budgets.</param>
/// <param name="modelIsLocal">True when the model runs on this node.</param>
public sealed class BudgetEmbeddingGenerator<TInput, TEmbedding>(IEmbeddingGenerator<TInput, TEmbedding> inner, BudgetGuard budgets, bool modelIsLocal)
    : DelegatingEmbeddingGenerator<TInput, TEmbedding>(inner)
    where TEmbedding : Embedding
{
    /// <summary>Appended to the budget's message when a remote model's embeddings are refused instead of downgraded.</summary>
    public const string NotDowngradedNote = " Embeddings are not downgraded to a local model: its vectors would not be comparable with this model's.";

    private readonly BudgetGuard _budgets = budgets ?? throw new ArgumentNullException(nameof(budgets));

    public override Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var facts = options.GetRequestFacts();
        var decision = _budgets.Check(facts.Tenant ?? "", facts.ApiKeyId ?? "");
        return decision.Outcome switch
        {
            BudgetOutcome.Refuse => throw new BudgetExceededException(decision.Message),
            BudgetOutcome.Downgrade when !modelIsLocal =>
                throw new BudgetExceededException(decision.Message + NotDowngradedNote),
            _ => base.GenerateAsync(values, options, cancellationToken),
        };
    }
}
