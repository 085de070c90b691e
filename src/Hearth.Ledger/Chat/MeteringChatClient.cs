using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Hearth.Contracts;
using Hearth.Ledger.Budgets;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Chat;

/// <summary>Options of <see cref="MeteringChatClient"/>.</summary>
public sealed record MeteringChatClientOptions
{
    /// <summary>Backend name recorded when the request does not say (e.g. <c>local</c>, <c>upstream</c>, <c>peer</c>).</summary>
    public string DefaultBackend { get; init; } = "local";

    /// <summary>Model version recorded when the request does not say (GGUF SHA-256 or upstream model string).</summary>
    public string? DefaultModelVersion { get; init; }

    /// <summary>Set for upstream backends: the remote estimate's model size.</summary>
    public RemoteModelProfile? Remote { get; init; }

    /// <summary>Called with each appended entry (e.g. to set response headers); runs on the request's thread.</summary>
    public Action<LedgerEntry>? OnEntry { get; init; }

    /// <summary>When set, each entry is added to the budgets' usage.</summary>
    public BudgetGuard? Budgets { get; init; }

    /// <summary>These options with <paramref name="observer"/> called after <see cref="OnEntry"/> (if any) with each appended entry.</summary>
    public MeteringChatClientOptions AlsoOnEntry(Action<LedgerEntry> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var first = OnEntry;
        return this with { OnEntry = first is null ? observer : entry => { first(entry); observer(entry); } };
    }
}

/// <summary>
/// Meters every call of the inner client and appends its entry to the ledger before the call completes.
/// </summary>
/// <remarks>
/// <para>Request context comes from the typed request context (<see cref="RequestContext"/>): the options'
/// <see cref="RequestFacts"/> (tenant, API key id) and <see cref="ServingModel"/> (route, backend, model version), and the
/// routing decision's reason and policy from a <see cref="RoutingOutcome"/> — in the options (set before the call) or on the
/// response (or a streamed update). On a stream, an update is read again when the consumer asks for the next one, so a stage
/// above that tags the update it was handed (as a router does) is seen too. The entry's route is only ever taken from the
/// options' serving model: a response's routing outcome names the router's backend, not the ledger's route. A policy is
/// recorded only with a reason (a request some router decided), never from the request facts' asked-for policy.</para>
/// <para>The entry id is chosen when the call starts. The appended entry is exposed as a typed <see cref="MeterResult"/>
/// (<see cref="RequestContext.GetMeterResult(ChatResponse?)"/>): (a) on the response, with its id, energy method and figures,
/// (b) for streaming, on the first update (the id and, when known in advance, the method; no figures) and on one final
/// <see cref="ChatResponseUpdate"/> with no contents carrying everything, and (c) the whole <see cref="LedgerEntry"/>
/// through <see cref="MeteringChatClientOptions.OnEntry"/>. The entry is appended (journaled, or committed with group
/// commit) before the response or the final update is returned, so a delivered response always has its entry.</para>
/// <para>A call that throws or is cancelled still gets an entry — it used energy — with <see cref="RequestOutcome.Error"/>
/// or <see cref="RequestOutcome.Cancelled"/>, tokens in 0 and tokens out = content updates streamed so far (0 when not
/// streaming); then the exception propagates unchanged. A stream the consumer abandons before its end is recorded as
/// cancelled. Thread-safe.</para>
/// <para>CPU time: when the usage carries the engine's CPU time (<see cref="RequestContext.GetEngineCpuTime"/>, Hearth's local engine), the entry's CpuSeconds
/// is that figure; otherwise the meter's split of the process CPU.</para>
/// </remarks>
public sealed class MeteringChatClient : DelegatingChatClient
{

    private readonly IRequestMeter _meter;
    private readonly ILedgerAppender _ledger;
    private readonly MeteringChatClientOptions _options;

    public MeteringChatClient(IChatClient innerClient, IRequestMeter meter, ILedgerAppender ledger, MeteringChatClientOptions? options = null)
        : base(innerClient)
    {
        _meter = meter ?? throw new ArgumentNullException(nameof(meter));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _options = options ?? new MeteringChatClientOptions();
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var call = MeteredCall.Begin(_meter, _ledger, _options, options.GetRequestFacts(), options.GetServingModel(), options.GetRoutingOutcome(), options?.ModelId);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, Observed(call, options), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await call.AbortAsync(MeteredCall.OutcomeOf(ex, cancellationToken), ex).ConfigureAwait(false);
            throw;
        }
        call.Observe(response.GetRoutingOutcome());
        call.ModelId = response.ModelId;
        call.ReportEngineCpu(response.Usage);
        var entry = await call.CompleteAsync(response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0, RequestOutcome.Ok, cancellationToken)
            .ConfigureAwait(false);
        response.SetMeterResult(MeteredCall.ResultOf(entry));
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var call = MeteredCall.Begin(_meter, _ledger, _options, options.GetRequestFacts(), options.GetServingModel(), options.GetRoutingOutcome(), options?.ModelId);
        UsageDetails? usage = null;
        var ended = false;
        var e = base.GetStreamingResponseAsync(messages, Observed(call, options), cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            var first = true;
            while (true)
            {
                var (has, error) = await MoveNextAsync(e).ConfigureAwait(false);
                if (error is not null)
                {
                    ended = true;
                    await call.AbortAsync(MeteredCall.OutcomeOf(error.SourceException, cancellationToken), error.SourceException).ConfigureAwait(false);
                    error.Throw();
                }
                if (!has)
                {
                    break;
                }
                var update = e.Current;
                call.ModelId ??= update.ModelId;
                var content = false;
                foreach (var c in update.Contents)
                {
                    if (c is UsageContent u)
                    {
                        usage ??= new UsageDetails();
                        usage.Add(u.Details);
                    }
                    else if (c is TextContent or FunctionCallContent)
                    {
                        content = true;
                    }
                }
                if (content)
                {
                    call.ContentUpdates++;
                }
                call.Observe(update.GetRoutingOutcome());
                if (first)
                {
                    update.SetMeterResult(call.StartResult());
                    first = false;
                }
                yield return update;
                // A stage above may have tagged the update it was handed (a router's decision).
                call.Observe(update.GetRoutingOutcome());
            }
            ended = true;
            call.ReportEngineCpu(usage);
            var entry = await call.CompleteAsync(usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, RequestOutcome.Ok, cancellationToken).ConfigureAwait(false);
            var final = new ChatResponseUpdate { ModelId = call.ModelId };
            final.SetMeterResult(MeteredCall.ResultOf(entry));
            yield return final;
        }
        finally
        {
            await e.DisposeAsync().ConfigureAwait(false);
            if (!ended)
            {
                // The consumer stopped before the end (the client went away): the work done so far still used energy.
                await call.AbortAsync(RequestOutcome.Cancelled).ConfigureAwait(false);
            }
        }
    }

    private static ChatOptions Observed(MeteredCall call, ChatOptions? options) =>
        call.WithInputTokenObserver(options);

    private static async ValueTask<(bool Has, ExceptionDispatchInfo? Error)> MoveNextAsync(IAsyncEnumerator<ChatResponseUpdate> e)
    {
        try
        {
            return (await e.MoveNextAsync().ConfigureAwait(false), null);
        }
        catch (Exception ex)
        {
            return (false, ExceptionDispatchInfo.Capture(ex));
        }
    }
}

/// <summary>
/// Wrapping one client directly; in a pipeline use <see cref="LedgerChatClientBuilderExtensions.UseMetering"/> over a
/// <see cref="ChatClientBuilder"/>.
/// </summary>
public static class MeteringChatClientExtensions
{
    /// <summary>Wraps <paramref name="inner"/> in a <see cref="MeteringChatClient"/>.</summary>
    public static MeteringChatClient UseHearthMetering(this IChatClient inner, IRequestMeter meter, ILedgerAppender ledger, MeteringChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new MeteringChatClient(inner, meter, ledger, options);
    }
}
