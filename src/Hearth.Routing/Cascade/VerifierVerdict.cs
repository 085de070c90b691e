namespace Hearth.Routing.Cascade;

/// <summary>The verifier's decision on a small model's answer.</summary>
/// <param name="Accept">True to return the small answer; false to escalate.</param>
/// <param name="Reason">Why, for <c>x-hearth-reason</c> and the ledger (e.g. "json-invalid", "scorer 0.71 ≥ 0.55").</param>
public sealed record VerifierVerdict(bool Accept, string Reason);
