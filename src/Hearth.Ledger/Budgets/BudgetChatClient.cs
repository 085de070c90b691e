using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Budgets;

/// <summary>The local model a <see cref="BudgetOutcome.Downgrade"/> budget sends a remote model's chat requests to.</summary>
/// <param name="Client">The local model's chat client (its own full pipeline: it is metered as that model).</param>
/// <param name="ModelId">The local model's id, set as the downgraded request's model.</param>
public sealed record BudgetDowngradeTarget(IChatClient Client, string ModelId);

/// <summary>
/// A budget stage: checks the tenant's and key's budgets (<see cref="BudgetGuard.Check"/>, from the request's
/// <see cref="RequestFacts"/>) before the request goes further. Sits above metering, so a refused request has no entry.
/// </summary>
/// <remarks>
/// <para><see cref="BudgetOutcome.Allow"/>: the call goes on as asked. <see cref="BudgetOutcome.Refuse"/>: throws
/// <see cref="BudgetExceededException"/> naming the budget (on a stream, when the first update is asked for).</para>
/// <para><see cref="BudgetOutcome.Downgrade"/>: on a model that runs on this node the call goes on as asked; on a remote
/// model it is served by the target <paramref name="downgradeTo"/> gives (the node's smallest local model), with the
/// options cloned and their model id replaced — the caller's options are not changed — and a <see cref="BudgetDowngrade"/>
/// notice on the response (on a stream, on the first update). No target (none given, or it returns null) → refused, saying
/// no local model is installed.</para>
/// <para>Thread-safe; the budgets are read once per call.</para>
/// </remarks>
/// <param name="inner">The model's pipeline below the budgets (metering and the backend).</param>
/// <param name="budgets">The node's budgets.</param>
/// <param name="modelIsLocal">True when the model runs on this node (a downgrade would not save anything).</param>
/// <param name="downgradeTo">Where a remote model's downgraded requests go; null or returning null: nowhere (refused).</param>
public sealed class BudgetChatClient(IChatClient inner, BudgetGuard budgets, bool modelIsLocal, Func<BudgetDowngradeTarget?>? downgradeTo = null)
    : DelegatingChatClient(inner)
{
    private readonly BudgetGuard _budgets = budgets ?? throw new ArgumentNullException(nameof(budgets));

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (target, routed, notice) = Choose(options);
        if (target is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        var response = await target.GetResponseAsync(messages, routed, cancellationToken).ConfigureAwait(false);
        response.SetBudgetDowngrade(notice!);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (target, routed, notice) = Choose(options);
        var first = true;
        await foreach (var u in (target ?? InnerClient).GetStreamingResponseAsync(messages, target is null ? options : routed, cancellationToken).ConfigureAwait(false))
        {
            if (first && notice is not null)
            {
                u.SetBudgetDowngrade(notice);
            }
            first = false;
            yield return u;
        }
    }

    /// <summary>Null client: go on as asked. Otherwise the local client to downgrade to, the options for it and the notice.</summary>
    private (IChatClient? Client, ChatOptions? Options, BudgetDowngrade? Notice) Choose(ChatOptions? options)
    {
        var facts = options.GetRequestFacts();
        var decision = _budgets.Check(facts.Tenant ?? "", facts.ApiKeyId ?? "");
        switch (decision.Outcome)
        {
            case BudgetOutcome.Allow:
                return (null, options, null);
            case BudgetOutcome.Refuse:
                throw new BudgetExceededException(decision.Message);
            default:
                if (modelIsLocal)
                {
                    return (null, options, null);
                }
                var local = downgradeTo?.Invoke()
                    ?? throw new BudgetExceededException(decision.Message + " No local model is installed to downgrade to.");
                var routed = options?.Clone() ?? new ChatOptions();
                routed.ModelId = local.ModelId;
                var notice = new BudgetDowngrade(options?.ModelId ?? "", local.ModelId, decision.Message ?? BudgetExceededException.DefaultMessage);
                return (local.Client, routed, notice);
        }
    }
}
