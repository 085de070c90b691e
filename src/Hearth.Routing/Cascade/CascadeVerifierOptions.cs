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

    /// <summary>Most samples <see cref="SelfConsistencySamples"/> may ask for (each is a full generation).</summary>
    public const int MaxSelfConsistencySamples = 8;

    /// <summary>Extra samples drawn for self-consistency (0..<see cref="MaxSelfConsistencySamples"/>); 0 disables the check. Needs an <see cref="ISelfConsistencySampler"/>.</summary>
    public int SelfConsistencySamples { get; init; } = 3;

    /// <summary>Sampling temperature of the self-consistency samples.</summary>
    public float SelfConsistencyTemperature { get; init; } = 0.8f;

    /// <summary>Escalate when fewer than this share of samples agree with the answer's final line.</summary>
    public double MinAgreement { get; init; } = 0.5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first out-of-range setting.</summary>
    public void Validate()
    {
        if (SelfConsistencySamples is < 0 or > MaxSelfConsistencySamples)
        {
            throw new ArgumentException($"SelfConsistencySamples {SelfConsistencySamples} must be in 0..{MaxSelfConsistencySamples}.");
        }
        if (float.IsNaN(SelfConsistencyTemperature) || SelfConsistencyTemperature is <= 0 or > 2)
        {
            throw new ArgumentException($"SelfConsistencyTemperature {SelfConsistencyTemperature} must be in (0, 2].");
        }
        if (double.IsNaN(MinAgreement) || MinAgreement is < 0 or > 1)
        {
            throw new ArgumentException($"MinAgreement {MinAgreement} must be in [0, 1].");
        }
        if (double.IsNaN(ScorerEscalationShare) || ScorerEscalationShare is < 0 or > 1)
        {
            throw new ArgumentException($"ScorerEscalationShare {ScorerEscalationShare} must be in [0, 1].");
        }
        if (MaxHedges < 0)
        {
            throw new ArgumentException($"MaxHedges {MaxHedges} must not be negative.");
        }
    }
}
