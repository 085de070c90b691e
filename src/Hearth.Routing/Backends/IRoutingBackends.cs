using Microsoft.Extensions.AI;

namespace Hearth.Routing.Backends;

/// <summary>
/// The models a host (the node) offers routing: look-ups by name, the local model files, each model's client, and which of
/// a backend's failures mean "unavailable". Routing never sees the host's catalog or configuration types; the host
/// implements this with a thin adapter. Implementations are thread-safe and cheap to call per request (the local files
/// may change between calls).
/// </summary>
public interface IRoutingBackends
{
    /// <summary>The model with this name, or null when the host serves none.</summary>
    RoutingBackend? Find(string name);

    /// <summary>
    /// Every local model file, in name order — including a file whose name an upstream alias shadows (<see cref="Find"/>
    /// then returns the remote model).
    /// </summary>
    IReadOnlyList<RoutingBackend> LocalModels();

    /// <summary>The model's client with the host's whole per-model pipeline around it (so a routed call is budgeted and metered like a direct one).</summary>
    /// <exception cref="Hearth.Contracts.HearthRequestException">The host no longer serves the model.</exception>
    IChatClient GetChatClient(RoutingBackend backend);

    /// <summary>
    /// A short description (status and code, never the backend's error text) when <paramref name="error"/> is an availability
    /// failure of a remote backend (nothing answered: refused or lost connection, a 5xx, a timeout, an open circuit), so the
    /// router may fail over to a local model; null for every other error (a rejection, a rate limit, a budget).
    /// </summary>
    string? DescribeUnavailable(Exception error);
}
