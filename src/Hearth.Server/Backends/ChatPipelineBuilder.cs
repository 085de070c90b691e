using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends;

/// <summary>
/// The middleware around every backend, in order: the first stage added is the outermost (sees the request first).
/// Each stage is typically a <see cref="DelegatingChatClient"/> (telemetry, metering, budget, routing). Built once per model and cached.
/// </summary>
/// <example><code>
/// pipeline.Use((inner, model) => new TelemetryChatClient(inner, model, metrics))
///         .Use((inner, model) => new MeteringChatClient(inner, ...));
/// </code></example>
public sealed class ChatPipelineBuilder
{
    private readonly List<Func<IChatClient, ModelDescriptor, IChatClient>> _stages = [];

    /// <summary>Adds a stage below the ones already added.</summary>
    public ChatPipelineBuilder Use(Func<IChatClient, ModelDescriptor, IChatClient> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        _stages.Add(stage);
        return this;
    }

    /// <summary>Wraps <paramref name="backend"/> in every stage.</summary>
    public IChatClient Build(IChatClient backend, ModelDescriptor model)
    {
        var client = backend;
        for (var i = _stages.Count - 1; i >= 0; i--)
        {
            client = _stages[i](client, model);
        }
        return client;
    }
}
