using Microsoft.Extensions.AI;

namespace Hearth.Routing.Cascade;

/// <summary>
/// Gives the token log-probabilities of an answer (the local engine implements it; Hearth.Routing does not reference the engine).
/// </summary>
public interface ILogProbSource
{
    /// <summary>The natural-log probability of each generated token, when the backend reported them.</summary>
    bool TryGetTokenLogProbs(ChatResponse response, out IReadOnlyList<double> logProbs);
}

/// <summary>Draws k further answers to the same request for self-consistency checks (typically the small model at temperature &gt; 0).</summary>
public interface ISelfConsistencySampler
{
    /// <summary>Returns the text of <paramref name="count"/> sampled answers.</summary>
    Task<IReadOnlyList<string>> SampleAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, int count, CancellationToken cancellationToken);
}
