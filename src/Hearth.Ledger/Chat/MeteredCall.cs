using Hearth.Contracts;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Chat;

/// <summary>
/// One metered call (chat or embeddings): the meter scope, the entry id chosen up front, the routing reason and policy seen
/// so far, and the output produced so far. Records exactly one entry: <see cref="CompleteAsync"/> for a finished call,
/// <see cref="AbortAsync"/> for a cancelled or failed one. Not thread-safe (one request's flow).
/// </summary>
internal sealed class MeteredCall : IDisposable
{
    private readonly RequestScope _scope;
    private readonly ILedgerAppender _ledger;
    private readonly MeteringChatClientOptions _options;
    private bool _recorded;

    private MeteredCall(RequestScope scope, ILedgerAppender ledger, MeteringChatClientOptions options, string reason, string policy)
    {
        _scope = scope;
        _ledger = ledger;
        _options = options;
        Reason = reason;
        Policy = policy;
    }

    /// <summary>The ledger entry's id, known before the call runs (on the first streamed update, before the call ends).</summary>
    public Guid EntryId { get; } = Guid.NewGuid();

    public string Reason { get; private set; }
    public string Policy { get; private set; }

    /// <summary>Model id reported by the backend (used when the request named none).</summary>
    public string? ModelId { get; set; }

    /// <summary>Streamed content updates seen so far (one per token for the local engine; one per SSE chunk upstream).</summary>
    public long ContentUpdates { get; set; }

    /// <summary>
    /// Prompt tokens the backend reported before it finished (through <see cref="RequestContext.ReportPromptTokens"/>);
    /// the tokens in of a cancelled or failed call. 0 when the backend reports none (upstreams report usage only at the end).
    /// </summary>
    public long InputTokensSeen => Interlocked.Read(ref _inputTokensSeen);

    private long _inputTokensSeen;

    /// <summary>Returns options for the inner call carrying the input-token observer (a clone; the caller's options are not changed).</summary>
    public ChatOptions WithInputTokenObserver(ChatOptions? options)
    {
        var o = options?.Clone() ?? new ChatOptions();
        o.SetPromptTokensObserver(n => Interlocked.Exchange(ref _inputTokensSeen, Math.Max(0, n)));
        return o;
    }

    /// <param name="facts">Who asked (tenant, key).</param>
    /// <param name="serving">The model that serves the call (route, backend, version), when the pipeline stamped it.</param>
    /// <param name="decision">A routing decision made above this call, when there was one (its reason and policy).</param>
    public static MeteredCall Begin(IRequestMeter meter, ILedgerAppender ledger, MeteringChatClientOptions options,
        RequestFacts facts, ServingModel? serving, RoutingOutcome? decision, string? modelId)
    {
        var info = new RequestInfo
        {
            Tenant = facts.Tenant ?? "",
            ApiKeyId = facts.ApiKeyId ?? "",
            Route = serving?.ModelId ?? "",
            Backend = serving?.Backend ?? options.DefaultBackend,
            ModelId = modelId ?? "",
            ModelVersion = serving?.ModelVersion ?? options.DefaultModelVersion ?? modelId ?? "",
            Remote = options.Remote,
        };
        var scope = meter.BeginRequest(info);
        var method = options.Remote is not null ? EnergyMethod.Remote.ToWireName()
            : meter is RequestMeter m ? (m.IsMeasured ? EnergyMethod.Measured : EnergyMethod.Modelled).ToWireName()
            : null;
        return new MeteredCall(scope, ledger, options, decision?.Reason ?? "", decision?.Policy ?? "")
        {
            ExpectedMethod = method,
        };
    }

    /// <summary>The energy method the entry will have, when it is known before the call ends (not for peer-reported work).</summary>
    public string? ExpectedMethod { get; private init; }

    /// <summary>
    /// Takes the routing reason and policy from a response's or update's <see cref="RoutingOutcome"/> (a router puts its
    /// decision there). Its backend is the router's choice and never replaces the entry's route, which the request's
    /// <see cref="ServingModel"/> carries.
    /// </summary>
    public void Observe(RoutingOutcome? outcome)
    {
        if (outcome?.Reason is { Length: > 0 } reason)
        {
            Reason = reason;
        }
        if (outcome?.Policy is { Length: > 0 } policy)
        {
            Policy = policy;
        }
    }

    /// <summary>What the first streamed update carries: the entry id and, when known in advance, the energy method; no figures yet.</summary>
    public MeterResult StartResult() => new(EntryId.ToString("N"), ExpectedMethod, null);

    /// <summary>
    /// When <paramref name="usage"/> carries the engine's own CPU time (<see cref="RequestContext.GetEngineCpuTime"/>), the
    /// entry's CpuSeconds becomes that figure instead of the meter's split of the process CPU.
    /// </summary>
    public void ReportEngineCpu(UsageDetails? usage)
    {
        if (usage.GetEngineCpuTime() is { } cpu && cpu >= TimeSpan.Zero)
        {
            _scope.ReportCpuSeconds(cpu.TotalMicroseconds / 1e6);
        }
    }

    /// <summary>Completes metering and appends the entry (waits as the durability mode says).</summary>
    public async Task<LedgerEntry> CompleteAsync(long tokensIn, long tokensOut, RequestOutcome outcome, CancellationToken cancellationToken)
    {
        var draft = _scope.Complete(tokensIn, tokensOut);
        draft = draft with
        {
            EntryId = EntryId,
            ModelId = draft.ModelId.Length == 0 && ModelId is not null ? ModelId : draft.ModelId,
            Outcome = outcome,
            Reason = Reason,
            // A policy is recorded only for a request a router decided (one with a reason).
            Policy = Reason.Length > 0 ? Policy : "",
        };
        _recorded = true;
        var entry = await _ledger.AppendAsync(draft, cancellationToken).ConfigureAwait(false);
        _options.Budgets?.Record(entry);
        _options.OnEntry?.Invoke(entry);
        return entry;
    }

    /// <summary>
    /// Records a cancelled or failed call (tokens in = <see cref="InputTokensSeen"/>, tokens out = <see cref="ContentUpdates"/>),
    /// unless an entry was already recorded, or <paramref name="error"/> is a <see cref="HearthRequestException"/> with
    /// <see cref="HearthRequestException.RefusedBeforeWork"/> (refused before
    /// any work: no entry). A ledger failure here is swallowed so the caller sees the request's own error.
    /// </summary>
    public async Task AbortAsync(RequestOutcome outcome, Exception? error = null)
    {
        if (_recorded)
        {
            return;
        }
        if (error is HearthRequestException { RefusedBeforeWork: true })
        {
            _recorded = true;
            return;
        }
        try
        {
            await CompleteAsync(InputTokensSeen, ContentUpdates, outcome, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LedgerStoreException or ObjectDisposedException)
        {
            // The ledger is closing or failing; the request's own exception is the one to report.
        }
    }

    /// <summary>Cancelled when the caller's token fired, otherwise an error.</summary>
    public static RequestOutcome OutcomeOf(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? RequestOutcome.Cancelled : RequestOutcome.Error;

    /// <summary>The meter result of a sealed (or journaled) entry: its id, energy method and figures (carbon = operational + embodied).</summary>
    public static MeterResult ResultOf(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new MeterResult(entry.EntryId.ToString("N"), entry.EnergyMethod.ToWireName(),
            new MeteredFigures(entry.EnergyWattHours, entry.EnergyUncertaintyFraction, entry.OperationalGramsCo2e, entry.EmbodiedGramsCo2e, entry.WaterLiters));
    }

    public void Dispose() => _scope.Dispose();
}
