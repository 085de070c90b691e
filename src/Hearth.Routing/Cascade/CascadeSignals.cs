namespace Hearth.Routing.Cascade;

/// <summary>What a host's backends give the cascade verifier beyond their answers.</summary>
/// <param name="LogProbs">Token log-probabilities as the backends report them; the argument says whether to ask the
/// first-line backend for them (true for a local small tier; an upstream may reject the field).</param>
public sealed record CascadeSignals(Func<bool, ILogProbSource> LogProbs)
{
    /// <summary>Log-probabilities as Hearth's backends report them in the typed request context (<see cref="EngineLogProbSource"/>).</summary>
    public static CascadeSignals Default { get; } = new(request => new EngineLogProbSource(request));
}
