using Microsoft.Extensions.AI;

namespace Hearth.Routing.Cascade;

/// <summary>
/// Gives the token log-probabilities of an answer. Hearth.Routing does not reference the engine: the node implements it over
/// the log-probabilities its local engine reports. The cascade asks the first-line backend for them with
/// <see cref="RequestLogProbs"/> and removes them again with <see cref="RemoveUnrequested"/> when the caller did not ask.
/// </summary>
public interface ILogProbSource
{
    /// <summary>The natural-log probability of each generated token, when the backend reported them.</summary>
    bool TryGetTokenLogProbs(ChatResponse response, out IReadOnlyList<double> logProbs);

    /// <summary>Options that make the backend report token log-probabilities (default: unchanged; never mutates <paramref name="options"/>).</summary>
    ChatOptions? RequestLogProbs(ChatOptions? options) => options;

    /// <summary>Removes from <paramref name="response"/> the log-probabilities that <paramref name="original"/> did not ask for (default: nothing).</summary>
    void RemoveUnrequested(ChatResponse response, ChatOptions? original)
    {
    }
}

/// <summary>Draws k further answers to the same request for self-consistency checks (typically the small model at temperature &gt; 0).</summary>
public interface ISelfConsistencySampler
{
    /// <summary>Returns the text of <paramref name="count"/> sampled answers.</summary>
    Task<IReadOnlyList<string>> SampleAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, int count, CancellationToken cancellationToken);
}
