namespace Hearth.Contracts;

/// <summary>
/// A routing or residency decision: which backend was chosen, why, and whether it is a fallback because the chosen remote
/// backend was unavailable. A router puts it on the response (for the <c>x-hearth-route</c>/<c>x-hearth-reason</c>/
/// <c>x-hearth-degraded</c> headers) and on the options of the call it forwards (so the ledger records the reason of the call
/// it meters).
/// </summary>
/// <param name="Backend">The backend (model id) that answered; null when the decision names no backend (a residency note).</param>
/// <param name="Reason">Why, in one line for people.</param>
/// <param name="Degraded">True when a local backend answered because the chosen remote one failed.</param>
/// <param name="Policy">The policy that decided (e.g. <c>predictive</c>, <c>local-only</c>); null for a decision outside a policy (residency).</param>
public sealed record RoutingOutcome(string? Backend, string Reason, bool Degraded = false, string? Policy = null);
