namespace Hearth.Routing.Hybrid;

/// <summary>An explained routing decision (before the call; cascades may still escalate).</summary>
/// <param name="Policy">The policy applied.</param>
/// <param name="Backend">The backend chosen (for cascades, the first-line backend).</param>
/// <param name="Reason">Why, in words (for <c>x-hearth-reason</c> and the ledger).</param>
/// <param name="Confidential">True when the request was declared confidential or holds sensitive data.</param>
/// <param name="Redacted">True when sensitive spans are replaced by placeholders before the request leaves the node.</param>
public sealed record RouteDecision(string Policy, string Backend, string Reason, bool Confidential, bool Redacted);
