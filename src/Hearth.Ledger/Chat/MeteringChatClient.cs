using System.Globalization;
using System.Runtime.CompilerServices;
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
}

/// <summary>
/// Meters every call of the inner client and appends its entry to the ledger before the call completes.
/// </summary>
/// <remarks>
/// <para>Request context comes from <see cref="ChatOptions.AdditionalProperties"/> keys <see cref="TenantKey"/>,
/// <see cref="ApiKeyIdKey"/>, <see cref="RouteKey"/>, <see cref="BackendKey"/>, <see cref="ModelVersionKey"/>.</para>
/// <para>The appended entry is exposed (a) in <see cref="ChatResponse.AdditionalProperties"/> under <see cref="EntryKey"/>
/// (and the four header values under their header names), (b) for streaming, in one final
/// <see cref="ChatResponseUpdate"/> with no contents whose AdditionalProperties carry the same keys, and (c) through
/// <see cref="MeteringChatClientOptions.OnEntry"/>. With group-commit durability the entry is committed before the
/// response (or the final streaming update) is returned, so a delivered response always has its entry.</para>
/// <para>CPU time: when the usage carries <see cref="CpuMicrosecondsKey"/> (Hearth's local engine), the entry's CpuSeconds
/// is that figure; otherwise the meter's split of the process CPU.</para>
/// <para>If the inner call throws or is cancelled, no entry is written. Thread-safe.</para>
/// </remarks>
public sealed class MeteringChatClient : DelegatingChatClient
{
    public const string TenantKey = "hearth.tenant";
    public const string ApiKeyIdKey = "hearth.api_key_id";
    public const string RouteKey = "hearth.route";
    public const string BackendKey = "hearth.backend";
    public const string ModelVersionKey = "hearth.model_version";

    /// <summary>
    /// <see cref="UsageDetails.AdditionalCounts"/> key under which a local engine reports the request's own CPU time in
    /// microseconds; when present, the entry's CpuSeconds is that figure (<see cref="RequestScope.ReportCpuSeconds"/>).
    /// </summary>
    public const string CpuMicrosecondsKey = "hearth.cpu_microseconds";

    /// <summary>Key of the sealed <see cref="LedgerEntry"/> in the response's AdditionalProperties.</summary>
    public const string EntryKey = "hearth.ledger_entry";

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
        using var scope = _meter.BeginRequest(Describe(options));
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var entry = await FinishAsync(scope, response.Usage, response.ModelId, cancellationToken).ConfigureAwait(false);
        response.AdditionalProperties ??= [];
        Attach(response.AdditionalProperties, entry);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var scope = _meter.BeginRequest(Describe(options));
        UsageDetails? usage = null;
        string? modelId = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            modelId ??= update.ModelId;
            foreach (var c in update.Contents)
            {
                if (c is UsageContent u)
                {
                    usage ??= new UsageDetails();
                    usage.Add(u.Details);
                }
            }
            yield return update;
        }
        var entry = await FinishAsync(scope, usage, modelId, cancellationToken).ConfigureAwait(false);
        var final = new ChatResponseUpdate { AdditionalProperties = [], ModelId = modelId };
        Attach(final.AdditionalProperties, entry);
        yield return final;
    }

    private async Task<LedgerEntry> FinishAsync(RequestScope scope, UsageDetails? usage, string? modelId, CancellationToken cancellationToken)
    {
        if (usage?.AdditionalCounts?.TryGetValue(CpuMicrosecondsKey, out var cpuMicroseconds) == true && cpuMicroseconds >= 0)
        {
            scope.ReportCpuSeconds(cpuMicroseconds / 1e6);
        }
        var draft = scope.Complete(usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0);
        if (draft.ModelId.Length == 0 && modelId is not null)
        {
            draft = draft with { ModelId = modelId };
        }
        var entry = await _ledger.AppendAsync(draft, cancellationToken).ConfigureAwait(false);
        _options.Budgets?.Record(entry);
        _options.OnEntry?.Invoke(entry);
        return entry;
    }

    private RequestInfo Describe(ChatOptions? options)
    {
        var p = options?.AdditionalProperties;
        return new RequestInfo
        {
            Tenant = Get(p, TenantKey) ?? "",
            ApiKeyId = Get(p, ApiKeyIdKey) ?? "",
            Route = Get(p, RouteKey) ?? "",
            Backend = Get(p, BackendKey) ?? _options.DefaultBackend,
            ModelId = options?.ModelId ?? "",
            ModelVersion = Get(p, ModelVersionKey) ?? _options.DefaultModelVersion ?? options?.ModelId ?? "",
            Remote = _options.Remote,
        };
    }

    private static string? Get(AdditionalPropertiesDictionary? p, string key) =>
        p is not null && p.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    private static void Attach(AdditionalPropertiesDictionary props, LedgerEntry entry)
    {
        props[EntryKey] = entry;
        foreach (var (k, v) in LedgerHeaders.For(entry))
        {
            props[k] = v;
        }
    }
}

/// <summary>
/// Pipeline extension. <c>ChatClientBuilder</c> lives in the Microsoft.Extensions.AI package, which this library does not
/// reference; with it, compose as <c>builder.Use(inner =&gt; inner.UseHearthMetering(meter, writer))</c>.
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
