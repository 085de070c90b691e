using Hearth.Ledger.Budgets;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Chat;

/// <summary>
/// The ledger's stages in an M.E.AI chat pipeline. Order, outermost first: <see cref="UseBudgets"/> (a refused request
/// reaches nothing below, so it has no entry), then whatever stamps the serving model, then <see cref="UseMetering"/> just
/// above the backend. A local model's energy profile is fed by metering (<see cref="MeteringChatClientOptions.AlsoOnEntry"/>
/// with <see cref="Energy.LocalEnergyProfile.ObserverFor"/>), not by a stage of its own.
/// </summary>
public static class LedgerChatClientBuilderExtensions
{
    /// <summary>Adds a <see cref="MeteringChatClient"/>: every call below it gets exactly one ledger entry.</summary>
    public static ChatClientBuilder UseMetering(this ChatClientBuilder builder, IRequestMeter meter, ILedgerAppender ledger, MeteringChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(ledger);
        return builder.Use(inner => new MeteringChatClient(inner, meter, ledger, options));
    }

    /// <summary>Adds a <see cref="BudgetChatClient"/>: refuses or downgrades a request whose tenant or key is over budget.</summary>
    /// <param name="builder">The model's pipeline.</param>
    /// <param name="budgets">The node's budgets.</param>
    /// <param name="modelIsLocal">True when the model runs on this node.</param>
    /// <param name="downgradeTo">Where a remote model's downgraded requests go; null or returning null: refused.</param>
    public static ChatClientBuilder UseBudgets(this ChatClientBuilder builder, BudgetGuard budgets, bool modelIsLocal, Func<BudgetDowngradeTarget?>? downgradeTo = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(budgets);
        return builder.Use(inner => new BudgetChatClient(inner, budgets, modelIsLocal, downgradeTo));
    }
}

/// <summary>The ledger's stages in an M.E.AI embedding pipeline, in the same order as for chat.</summary>
public static class LedgerEmbeddingGeneratorBuilderExtensions
{
    /// <summary>Adds a <see cref="MeteringEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseMetering<TInput, TEmbedding>(this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder,
        IRequestMeter meter, ILedgerAppender ledger, MeteringChatClientOptions? options = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(ledger);
        return builder.Use(inner => new MeteringEmbeddingGenerator<TInput, TEmbedding>(inner, meter, ledger, options));
    }

    /// <summary>Adds a <see cref="BudgetEmbeddingGenerator{TInput, TEmbedding}"/> (a remote model's downgrade is refused).</summary>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseBudgets<TInput, TEmbedding>(this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder,
        BudgetGuard budgets, bool modelIsLocal)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(budgets);
        return builder.Use(inner => new BudgetEmbeddingGenerator<TInput, TEmbedding>(inner, budgets, modelIsLocal));
    }
}
