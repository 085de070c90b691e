using Hearth.Routing.Backends;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Fakes;

/// <summary>
/// A hand-written host for routing: models by name (a remote one shadows a local file of the same name, as in the node's
/// catalog), one <see cref="FakeChatClient"/> per model that answers with its own name, and an "unavailable" classifier that
/// accepts <see cref="TimeoutException"/> only.
/// </summary>
internal sealed class FakeRoutingBackends : IRoutingBackends
{
    private readonly Dictionary<string, FakeChatClient> _clients = new(StringComparer.Ordinal);

    public List<RoutingBackend> Files { get; } = [];

    public List<RoutingBackend> Remotes { get; } = [];

    public List<string> ClientsAskedFor { get; } = [];

    public FakeRoutingBackends Local(string name, long sizeBytes)
    {
        Files.Add(new RoutingBackend(name, true, sizeBytes));
        return this;
    }

    public FakeRoutingBackends Remote(string name, double activeParamsBillions = 70, double providerPue = 1.2)
    {
        Remotes.Add(new RoutingBackend(name, false, 0, activeParamsBillions, providerPue));
        return this;
    }

    public FakeChatClient Client(string name)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(name, out var client))
            {
                client = new FakeChatClient(_ => "answer of " + name);
                _clients[name] = client;
            }
            return client;
        }
    }

    public RoutingBackend? Find(string name) =>
        Remotes.FirstOrDefault(r => r.Name == name) ?? Files.FirstOrDefault(f => f.Name == name);

    public IReadOnlyList<RoutingBackend> LocalModels() => [.. Files.OrderBy(f => f.Name, StringComparer.Ordinal)];

    public IChatClient GetChatClient(RoutingBackend backend)
    {
        ClientsAskedFor.Add(backend.Name);
        return Client(backend.Name);
    }

    public string? DescribeUnavailable(Exception error) => error is TimeoutException ? "timed out" : null;
}
