using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Cascade;

/// <summary>
/// Token log-probabilities for the cascade verifier, as the node's backends report them
/// (<see cref="RequestContext.GetTokenLogProbs(ChatResponse?)"/>): the local engine's per-token natural logs when the request
/// carries a <see cref="LogProbsRequest"/>, or an upstream's OpenAI <c>logprobs</c>, mapped to the same type.
/// </summary>
/// <param name="request">Ask the first-line backend for them (true for a local small tier; an upstream may reject the field).</param>
public sealed class EngineLogProbSource(bool request) : ILogProbSource
{
    public bool TryGetTokenLogProbs(ChatResponse response, out IReadOnlyList<double> logProbs)
    {
        if (response.GetTokenLogProbs() is { Count: > 0 } list)
        {
            logProbs = [.. list.Select(t => (double)t.LogProb)];
            return true;
        }
        logProbs = [];
        return false;
    }

    public ChatOptions? RequestLogProbs(ChatOptions? options)
    {
        if (!request || options.GetLogProbsRequest() is not null)
        {
            return options;
        }
        var o = options?.Clone() ?? new ChatOptions();
        o.SetLogProbsRequest(new LogProbsRequest());
        return o;
    }

    public void RemoveUnrequested(ChatResponse response, ChatOptions? original)
    {
        if (original.GetLogProbsRequest() is null && response.GetTokenLogProbs() is not null)
        {
            response.SetTokenLogProbs(null);
        }
    }
}
