using Hearth.Contracts;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Cascade;

/// <summary>
/// Self-consistency samples from one chat client (the node's small local model): <c>count</c> further answers to the same
/// request at <see cref="CascadeVerifierOptions.SelfConsistencyTemperature"/>, each with its own seed (the request's seed + i + 1,
/// so a seeded request gets reproducible samples), drawn concurrently. Each sample's options carry the reason
/// <c>cascade: self-consistency sample i of k</c> and no log-probability request (samples are compared by their answers
/// only). Does not own the client. Thread-safe if it is.
/// </summary>
public sealed class ClientSelfConsistencySampler : ISelfConsistencySampler
{
    private readonly IChatClient _client;
    private readonly float _temperature;

    /// <param name="client">The model to sample.</param>
    /// <param name="temperature">Sampling temperature of the samples.</param>
    public ClientSelfConsistencySampler(IChatClient client, float temperature)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _temperature = temperature;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> SampleAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        count = Math.Clamp(count, 0, CascadeVerifierOptions.MaxSelfConsistencySamples);
        var baseSeed = options?.Seed ?? 20260515;
        var tasks = new Task<ChatResponse>[count];
        for (var i = 0; i < count; i++)
        {
            var o = options?.Clone() ?? new ChatOptions();
            o.Temperature = _temperature;
            o.Seed = unchecked(baseSeed + i + 1);
            o.SetLogProbsRequest(null);
            var why = string.Create(CultureInfo.InvariantCulture, $"cascade: self-consistency sample {i + 1} of {count}");
            o.SetRoutingOutcome((o.GetRoutingOutcome() ?? new RoutingOutcome(null, why)) with { Reason = why });
            tasks[i] = _client.GetResponseAsync(messages, o, cancellationToken);
        }
        var responses = await Task.WhenAll(tasks).ConfigureAwait(false);
        return [.. responses.Select(r => r.Text ?? string.Empty)];
    }
}
