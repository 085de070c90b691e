namespace Hearth.Server.Backends;

/// <summary>
/// Keys Hearth puts in <c>ChatOptions.AdditionalProperties</c> / <c>ChatResponse.AdditionalProperties</c> to carry request facts
/// that <c>Microsoft.Extensions.AI</c> has no property for. Middleware (ledger, routing) may read them.
/// </summary>
public static class HearthChatProperties
{
    /// <summary>bool: return log-probabilities of the chosen tokens.</summary>
    public const string Logprobs = "hearth.logprobs";

    /// <summary>int: how many alternatives per position (0..20).</summary>
    public const string TopLogprobs = "hearth.top_logprobs";

    /// <summary>bool: the single user message is a raw prompt (<c>/v1/completions</c>), no chat template.</summary>
    public const string RawPrompt = "hearth.raw_prompt";

    /// <summary>
    /// <see cref="TimeSpan"/>: how long a local model stays loaded after this request (Ollama's <c>keep_alive</c>; the last
    /// request's value wins, as in Ollama); <see cref="Timeout.InfiniteTimeSpan"/> = until the node stops; absent = the node's setting.
    /// </summary>
    public const string KeepAlive = "hearth.keep_alive";

    /// <summary>bool: the client sent <c>max_completion_tokens</c> (forwarded under that name).</summary>
    public const string MaxCompletionTokensField = "hearth.max_completion_tokens_field";

    /// <summary>On responses: <see cref="IReadOnlyList{T}"/> of <see cref="TokenLogprob"/>.</summary>
    public const string LogprobsResult = "hearth.logprobs_result";

    /// <summary>On function calls: the arguments exactly as received (a JSON string).</summary>
    public const string RawArguments = "hearth.raw_arguments";

    /// <summary>On function calls: int position of the call in its message (streamed fragments of one call share it).</summary>
    public const string ToolCallIndex = "hearth.tool_call_index";

    /// <summary>Response entries whose key starts with this prefix are copied to HTTP response headers (e.g. <c>x-hearth-route</c>).</summary>
    public const string HeaderPrefix = "x-hearth-";
}

/// <summary>One generated token's log-probability and its top alternatives.</summary>
public sealed record TokenLogprob(string Token, float Logprob, IReadOnlyList<TokenLogprob> TopAlternatives);
