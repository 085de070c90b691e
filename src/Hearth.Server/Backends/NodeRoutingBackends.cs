using Hearth.Contracts;
using Hearth.Routing.Backends;
using Hearth.Routing.Hybrid;
using Hearth.Server.Backends.Upstream;
using Hearth.Server.Configuration;
using Hearth.Server.Errors;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends;

/// <summary>
/// The node's models as routing sees them (<see cref="IRoutingBackends"/>): the catalog's models (a local file with its size;
/// an upstream model with its upstream's <c>ActiveParamsBillions</c> and <c>ProviderPue</c>), each one's client with the node's
/// whole per-model pipeline, and an <see cref="UpstreamFailureException"/> (502/503/504) as the failure that lets <c>hearth/auto</c>
/// fail over to a local model.
/// </summary>
/// <param name="options">The node's options (upstream energy parameters).</param>
/// <param name="catalog">The models this node serves.</param>
/// <param name="backends">The node's backends. The residency stage is part of the pipeline they make for themselves, so it gets
/// them while they are being constructed; it asks them for a client only when a request arrives.</param>
internal sealed class NodeRoutingBackends(HearthOptions options, ModelCatalog catalog, ModelBackends backends) : IRoutingBackends
{
    public RoutingBackend? Find(string name) => catalog.Find(name) is { } model ? Describe(model) : null;

    public IReadOnlyList<RoutingBackend> LocalModels() => [.. catalog.LocalModels().Select(Describe)];

    public IChatClient GetChatClient(RoutingBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var model = catalog.Find(backend.Name) ?? throw new HearthRequestException(RequestErrorKind.NotFound,
            $"Model '{backend.Name}' is no longer served by this node.", "model", "model_not_found");
        return backends.GetChatClient(model);
    }

    /// <summary>
    /// An upstream failed without answering — refused or lost connection, a 5xx, a timeout, an open circuit (all
    /// <see cref="UpstreamFailureException"/>: 502/503/504). The reason gets the status and code only, never the upstream's
    /// error text. Rejections (4xx), rate limits and budgets are not failures.
    /// </summary>
    public string? DescribeUnavailable(Exception error) =>
        error is UpstreamFailureException u ? $"{ErrorMapping.StatusOf(u.Kind).Status} {u.Code}" : BackendFailure.Default(error);

    private RoutingBackend Describe(ModelDescriptor model)
    {
        if (model.Kind == BackendKind.Local)
        {
            return new RoutingBackend(model.Id, IsLocal: true, model.SizeBytes);
        }
        var upstream = options.Upstreams.First(u => u.Name == model.OwnedBy);
        return new RoutingBackend(model.Id, IsLocal: false, model.SizeBytes, upstream.ActiveParamsBillions, upstream.ProviderPue);
    }
}
