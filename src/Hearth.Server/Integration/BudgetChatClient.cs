using System.Runtime.CompilerServices;
using Hearth.Ledger.Budgets;
using Hearth.Contracts;
using Hearth.Server.Backends;
using Hearth.Server.Errors;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Integration;

/// <summary>
/// The outermost ledger stage: checks the tenant's and key's budgets before the request reaches metering and the backend.
/// <c>Refuse</c> → 429 <c>budget_exceeded</c> naming the budget. <c>Downgrade</c> on an upstream model → the request is served by
/// the node's smallest local model instead (<paramref name="downgrade"/>); on a local model it is served as asked.
/// </summary>
internal sealed class BudgetChatClient(IChatClient inner, ModelDescriptor model, BudgetGuard budgets, Func<(IChatClient Client, string ModelId)?> downgrade)
    : DelegatingChatClient(inner)
{
    /// <summary>Response header set when a <c>Downgrade</c> budget sent the request to the local model.</summary>
    public const string DowngradedHeader = "x-hearth-budget";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (client, routed) = Choose(options);
        if (client is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        var response = await client.GetResponseAsync(messages, routed, cancellationToken).ConfigureAwait(false);
        (response.AdditionalProperties ??= [])[DowngradedHeader] = "downgraded";
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (client, routed) = Choose(options);
        var first = true;
        await foreach (var u in (client ?? InnerClient).GetStreamingResponseAsync(messages, client is null ? options : routed, cancellationToken).ConfigureAwait(false))
        {
            if (first && client is not null)
            {
                (u.AdditionalProperties ??= [])[DowngradedHeader] = "downgraded";
            }
            first = false;
            yield return u;
        }
    }

    /// <summary>Null client: go on as asked. Otherwise the local client to downgrade to and the options for it.</summary>
    private (IChatClient? Client, ChatOptions? Options) Choose(ChatOptions? options)
    {
        var facts = options.GetRequestFacts();
        var decision = budgets.Check(facts.Tenant ?? "", facts.ApiKeyId ?? "");
        switch (decision.Outcome)
        {
            case BudgetOutcome.Allow:
                return (null, options);
            case BudgetOutcome.Refuse:
                throw Exhausted(decision.Message);
            default:
                if (model.Kind == BackendKind.Local)
                {
                    return (null, options);
                }
                var local = downgrade() ?? throw Exhausted(decision.Message + " No local model is installed to downgrade to.");
                var routed = options?.Clone() ?? new ChatOptions();
                routed.ModelId = local.ModelId;
                return (local.Client, routed);
        }
    }

    internal static ApiException Exhausted(string? message) =>
        new(429, "insufficient_quota", message ?? "A carbon budget is exhausted.", null, "budget_exceeded");
}
