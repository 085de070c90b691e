namespace Hearth.Routing.Backends;

/// <summary>
/// A model the node serves, as routing sees it: enough to build the zero-configuration tiers, choose a residency fallback
/// and estimate a call's energy, without knowing how the host stores or runs it.
/// </summary>
/// <param name="Name">The model id requests and <c>Routing:Backends</c> name it by.</param>
/// <param name="IsLocal">True when the node runs it itself (a local GGUF file); false when data sent to it leaves the node.</param>
/// <param name="SizeBytes">A local model's file size (0 for a remote one): the zero-configuration tiers and the residency
/// fallback order by it, and the carbon estimate's prior reads it.</param>
/// <param name="ActiveParamsBillions">A remote model's active parameters, for the remote energy estimate (0 for a local one).</param>
/// <param name="ProviderPue">A remote model's data-centre PUE, for the remote energy estimate (1 for a local one).</param>
public sealed record RoutingBackend(string Name, bool IsLocal, long SizeBytes = 0, double ActiveParamsBillions = 0, double ProviderPue = 1);
