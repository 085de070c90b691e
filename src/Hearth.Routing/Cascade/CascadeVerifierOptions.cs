namespace Hearth.Routing.Cascade;

/// <summary>Thresholds of <see cref="CascadeVerifier"/>.</summary>
public sealed record CascadeVerifierOptions
{
    /// <summary>Escalate when the mean token log-probability is below this (natural log).</summary>
    public double MinMeanLogProb { get; init; } = -1.2;

    /// <summary>Escalate when any token's log-probability is below this.</summary>
    public double MinTokenLogProb { get; init; } = -9.0;

    /// <summary>Escalate on refusal phrases ("I can't help", "as an AI").</summary>
    public bool EscalateOnRefusal { get; init; } = true;

    /// <summary>Escalate when the answer holds at least this many hedging phrases; 0 disables the check.</summary>
    public int MaxHedges { get; init; } = 3;

    /// <summary>Share of requests the learned scorer escalates (its threshold is calibrated for it); ignored without a scorer.</summary>
    public double ScorerEscalationShare { get; init; } = 0.3;

    /// <summary>Extra samples drawn for self-consistency; 0 disables the check.</summary>
    public int SelfConsistencySamples { get; init; }

    /// <summary>Escalate when fewer than this share of samples agree with the answer's final line.</summary>
    public double MinAgreement { get; init; } = 0.5;
}
