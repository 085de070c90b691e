namespace Hearth.Routing.Cascade;

/// <summary>What a host's backends give the cascade verifier beyond their answers.</summary>
/// <param name="LogProbs">Token log-probabilities as the backends report them; the argument says whether to ask the
/// first-line backend for them (true for a local small tier; an upstream may reject the field).</param>
/// <param name="LogProbOptionKeys">The option keys that ask a backend for log-probabilities, removed from self-consistency samples.</param>
public sealed record CascadeSignals(Func<bool, ILogProbSource> LogProbs, IReadOnlyList<string> LogProbOptionKeys);
