using Hearth.Routing.Cascade;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends;

/// <summary>
/// Token log-probabilities for the cascade verifier, as the node's backends report them: the local engine's per-token natural
/// logs (<c>EngineChatClient</c> puts them under <see cref="HearthChatProperties.LogprobsResult"/> when the request sets
/// <see cref="HearthChatProperties.Logprobs"/>), or an upstream's OpenAI <c>logprobs</c>, mapped to the same key.
/// </summary>
/// <param name="request">Ask the first-line backend for them (true for a local small tier; an upstream may reject the field).</param>
internal sealed class EngineLogProbSource(bool request) : ILogProbSource
{
    public bool TryGetTokenLogProbs(ChatResponse response, out IReadOnlyList<double> logProbs)
    {
        if (response.AdditionalProperties?.TryGetValue(HearthChatProperties.LogprobsResult, out var v) == true && v is IReadOnlyList<TokenLogprob> { Count: > 0 } list)
        {
            logProbs = [.. list.Select(t => (double)t.Logprob)];
            return true;
        }
        logProbs = [];
        return false;
    }

    public ChatOptions? RequestLogProbs(ChatOptions? options)
    {
        if (!request || Asked(options))
        {
            return options;
        }
        var o = options?.Clone() ?? new ChatOptions();
        (o.AdditionalProperties ??= [])[HearthChatProperties.Logprobs] = true;
        return o;
    }

    public void RemoveUnrequested(ChatResponse response, ChatOptions? original)
    {
        if (!Asked(original))
        {
            response.AdditionalProperties?.Remove(HearthChatProperties.LogprobsResult);
        }
    }

    private static bool Asked(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(HearthChatProperties.Logprobs, out var v) == true && v is true;
}
