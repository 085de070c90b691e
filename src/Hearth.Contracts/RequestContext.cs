using Microsoft.Extensions.AI;

namespace Hearth.Contracts;

/// <summary>
/// The one accessor for everything a request's pipeline passes between projects. Facts live in the M.E.AI objects' own
/// <c>AdditionalProperties</c> (so they survive <see cref="ChatOptions.Clone"/> and any M.E.AI middleware), each under one
/// key that is spelled here and nowhere else. Readers get null when a fact is absent; writers replace it.
/// </summary>
/// <remarks>
/// Values are immutable records: a stage that wants to change a fact for the calls below it clones the options and sets a
/// new record, so the caller's options are never changed behind its back.
/// </remarks>
public static class RequestContext
{
    // One key per concept. Kept internal: no other project may spell them.
    internal const string RequestFactsKey = "hearth.request";
    internal const string ServingModelKey = "hearth.serving";
    internal const string RoutingOutcomeKey = "hearth.routing";
    internal const string MeterResultKey = "hearth.meter";
    internal const string LogProbsRequestKey = "hearth.logprobs_request";
    internal const string TokenLogProbsKey = "hearth.logprobs";
    internal const string RawPromptKey = "hearth.raw_prompt";
    internal const string KeepAliveKey = "hearth.keep_alive";
    internal const string MaxCompletionTokensFieldKey = "hearth.max_completion_tokens_field";
    internal const string PromptTokensObserverKey = "hearth.prompt_tokens_observer";
    internal const string BudgetDowngradeKey = "hearth.budget_downgrade";
    internal const string ToolCallWireKey = "hearth.tool_call";
    internal const string EngineCpuMicrosecondsKey = "hearth.cpu_microseconds";

    // ---- request facts -------------------------------------------------------------------------------------------------

    /// <summary>The request's facts; <see cref="RequestFacts.None"/> when the edge set none.</summary>
    public static RequestFacts GetRequestFacts(this ChatOptions? options) => Get<RequestFacts>(options?.AdditionalProperties, RequestFactsKey) ?? RequestFacts.None;

    public static void SetRequestFacts(this ChatOptions options, RequestFacts facts) => Set(Props(options), RequestFactsKey, facts);

    /// <inheritdoc cref="GetRequestFacts(ChatOptions?)"/>
    public static RequestFacts GetRequestFacts(this EmbeddingGenerationOptions? options) => Get<RequestFacts>(options?.AdditionalProperties, RequestFactsKey) ?? RequestFacts.None;

    public static void SetRequestFacts(this EmbeddingGenerationOptions options, RequestFacts facts) => Set(Props(options), RequestFactsKey, facts);

    // ---- serving model (stamped by the model's pipeline for the ledger) --------------------------------------------------

    public static ServingModel? GetServingModel(this ChatOptions? options) => Get<ServingModel>(options?.AdditionalProperties, ServingModelKey);

    public static void SetServingModel(this ChatOptions options, ServingModel model) => Set(Props(options), ServingModelKey, model);

    public static ServingModel? GetServingModel(this EmbeddingGenerationOptions? options) => Get<ServingModel>(options?.AdditionalProperties, ServingModelKey);

    public static void SetServingModel(this EmbeddingGenerationOptions options, ServingModel model) => Set(Props(options), ServingModelKey, model);

    // ---- routing outcome ---------------------------------------------------------------------------------------------

    /// <summary>A decision made above this call (a router or residency stage), passed down so the ledger records its reason.</summary>
    public static RoutingOutcome? GetRoutingOutcome(this ChatOptions? options) => Get<RoutingOutcome>(options?.AdditionalProperties, RoutingOutcomeKey);

    public static void SetRoutingOutcome(this ChatOptions options, RoutingOutcome outcome) => Set(Props(options), RoutingOutcomeKey, outcome);

    public static RoutingOutcome? GetRoutingOutcome(this ChatResponse? response) => Get<RoutingOutcome>(response?.AdditionalProperties, RoutingOutcomeKey);

    public static void SetRoutingOutcome(this ChatResponse response, RoutingOutcome outcome) => Set(Props(response), RoutingOutcomeKey, outcome);

    public static RoutingOutcome? GetRoutingOutcome(this ChatResponseUpdate? update) => Get<RoutingOutcome>(update?.AdditionalProperties, RoutingOutcomeKey);

    public static void SetRoutingOutcome(this ChatResponseUpdate update, RoutingOutcome outcome) => Set(Props(update), RoutingOutcomeKey, outcome);

    // ---- meter result --------------------------------------------------------------------------------------------------

    public static MeterResult? GetMeterResult(this ChatResponse? response) => Get<MeterResult>(response?.AdditionalProperties, MeterResultKey);

    public static void SetMeterResult(this ChatResponse response, MeterResult result) => Set(Props(response), MeterResultKey, result);

    public static MeterResult? GetMeterResult(this ChatResponseUpdate? update) => Get<MeterResult>(update?.AdditionalProperties, MeterResultKey);

    public static void SetMeterResult(this ChatResponseUpdate update, MeterResult result) => Set(Props(update), MeterResultKey, result);

    public static MeterResult? GetMeterResult<TEmbedding>(this GeneratedEmbeddings<TEmbedding>? embeddings)
        where TEmbedding : Embedding => Get<MeterResult>(embeddings?.AdditionalProperties, MeterResultKey);

    public static void SetMeterResult<TEmbedding>(this GeneratedEmbeddings<TEmbedding> embeddings, MeterResult result)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        Set(embeddings.AdditionalProperties ??= [], MeterResultKey, result);
    }

    // ---- budget downgrade -------------------------------------------------------------------------------------------

    public static BudgetDowngrade? GetBudgetDowngrade(this ChatResponse? response) => Get<BudgetDowngrade>(response?.AdditionalProperties, BudgetDowngradeKey);

    public static void SetBudgetDowngrade(this ChatResponse response, BudgetDowngrade notice) => Set(Props(response), BudgetDowngradeKey, notice);

    public static BudgetDowngrade? GetBudgetDowngrade(this ChatResponseUpdate? update) => Get<BudgetDowngrade>(update?.AdditionalProperties, BudgetDowngradeKey);

    public static void SetBudgetDowngrade(this ChatResponseUpdate update, BudgetDowngrade notice) => Set(Props(update), BudgetDowngradeKey, notice);

    // ---- log-probabilities -------------------------------------------------------------------------------------------

    /// <summary>Token log-probabilities asked for, or null.</summary>
    public static LogProbsRequest? GetLogProbsRequest(this ChatOptions? options) => Get<LogProbsRequest>(options?.AdditionalProperties, LogProbsRequestKey);

    public static void SetLogProbsRequest(this ChatOptions options, LogProbsRequest? request) => Set(Props(options), LogProbsRequestKey, request);

    /// <summary>The log-probabilities of a response's generated tokens, or null when the backend reported none.</summary>
    public static IReadOnlyList<TokenLogProb>? GetTokenLogProbs(this ChatResponse? response) => Get<IReadOnlyList<TokenLogProb>>(response?.AdditionalProperties, TokenLogProbsKey);

    public static void SetTokenLogProbs(this ChatResponse response, IReadOnlyList<TokenLogProb>? logProbs) => Set(Props(response), TokenLogProbsKey, logProbs);

    /// <summary>The log-probabilities of the tokens in one streamed update.</summary>
    public static IReadOnlyList<TokenLogProb>? GetTokenLogProbs(this ChatResponseUpdate? update) => Get<IReadOnlyList<TokenLogProb>>(update?.AdditionalProperties, TokenLogProbsKey);

    public static void SetTokenLogProbs(this ChatResponseUpdate update, IReadOnlyList<TokenLogProb>? logProbs) => Set(Props(update), TokenLogProbsKey, logProbs);

    // ---- prompt handling -----------------------------------------------------------------------------------------------

    /// <summary>True when the single user message is a raw prompt (<c>/v1/completions</c>, Ollama <c>raw</c>): no chat template.</summary>
    public static bool IsRawPrompt(this ChatOptions? options) => Get<object>(options?.AdditionalProperties, RawPromptKey) is true;

    public static void SetRawPrompt(this ChatOptions options, bool raw) => Set(Props(options), RawPromptKey, raw ? true : null);

    /// <summary>
    /// Registers a callback that a backend calls with the prompt's token count as soon as it knows it (a local engine, after
    /// tokenizing), so a call cancelled before its usage arrives still records its tokens in.
    /// </summary>
    public static void SetPromptTokensObserver(this ChatOptions options, Action<long>? observer) => Set(Props(options), PromptTokensObserverKey, observer);

    /// <summary>Tells the observer registered with <see cref="SetPromptTokensObserver"/>, if any, the prompt's token count.</summary>
    public static void ReportPromptTokens(this ChatOptions? options, long promptTokens) =>
        Get<Action<long>>(options?.AdditionalProperties, PromptTokensObserverKey)?.Invoke(promptTokens);

    // ---- model residency (Ollama keep_alive) ---------------------------------------------------------------------------

    /// <summary>
    /// How long a local model stays loaded after this request (Ollama's <c>keep_alive</c>; the last request's value wins);
    /// <see cref="Timeout.InfiniteTimeSpan"/> = until the node stops; null = the node's setting.
    /// </summary>
    public static TimeSpan? GetKeepAlive(this ChatOptions? options) => Get<object>(options?.AdditionalProperties, KeepAliveKey) as TimeSpan?;

    public static void SetKeepAlive(this ChatOptions options, TimeSpan? keepAlive) => Set(Props(options), KeepAliveKey, keepAlive);

    public static TimeSpan? GetKeepAlive(this EmbeddingGenerationOptions? options) => Get<object>(options?.AdditionalProperties, KeepAliveKey) as TimeSpan?;

    public static void SetKeepAlive(this EmbeddingGenerationOptions options, TimeSpan? keepAlive) => Set(Props(options), KeepAliveKey, keepAlive);

    // ---- wire details an upstream forwards as received -------------------------------------------------------------

    /// <summary>True when the client sent <c>max_completion_tokens</c> (an OpenAI-compatible upstream gets it under that name).</summary>
    public static bool UsesMaxCompletionTokensField(this ChatOptions? options) => Get<object>(options?.AdditionalProperties, MaxCompletionTokensFieldKey) is true;

    public static void SetUsesMaxCompletionTokensField(this ChatOptions options, bool value) => Set(Props(options), MaxCompletionTokensFieldKey, value ? true : null);

    /// <summary>How a tool call was received (raw arguments, position), when the backend knows.</summary>
    public static ToolCallWire? GetToolCallWire(this FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Get<ToolCallWire>(call.AdditionalProperties, ToolCallWireKey);
    }

    public static void SetToolCallWire(this FunctionCallContent call, ToolCallWire wire)
    {
        ArgumentNullException.ThrowIfNull(call);
        Set(call.AdditionalProperties ??= [], ToolCallWireKey, wire);
    }

    // ---- engine CPU time in the usage ------------------------------------------------------------------------------------

    /// <summary>The CPU time a local engine spent on the request (its share of batched steps plus sampling), when it reported it.</summary>
    public static TimeSpan? GetEngineCpuTime(this UsageDetails? usage) =>
        usage?.AdditionalCounts is { } counts && counts.TryGetValue(EngineCpuMicrosecondsKey, out var us) ? TimeSpan.FromMicroseconds(us) : null;

    public static void SetEngineCpuTime(this UsageDetails usage, TimeSpan cpu)
    {
        ArgumentNullException.ThrowIfNull(usage);
        (usage.AdditionalCounts ??= [])[EngineCpuMicrosecondsKey] = (long)Math.Round(cpu.TotalMicroseconds);
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------------

    private static AdditionalPropertiesDictionary Props(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AdditionalProperties ??= [];
    }

    private static AdditionalPropertiesDictionary Props(EmbeddingGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AdditionalProperties ??= [];
    }

    private static AdditionalPropertiesDictionary Props(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties ??= [];
    }

    private static AdditionalPropertiesDictionary Props(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return update.AdditionalProperties ??= [];
    }

    private static T? Get<T>(AdditionalPropertiesDictionary? p, string key) where T : class =>
        p is not null && p.TryGetValue(key, out var v) ? v as T : null;

    private static void Set(AdditionalPropertiesDictionary p, string key, object? value)
    {
        if (value is null)
        {
            p.Remove(key);
        }
        else
        {
            p[key] = value;
        }
    }
}
