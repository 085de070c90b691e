using Hearth.Server.Backends;
using Hearth.Server.Backends.Local;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Hearth.Server.Hosting;

/// <summary>
/// Composition seams for a node, filled before it starts: extra chat stages, the local model loader, extra endpoints
/// (dashboard) and the clock. The node's own stages are built in <see cref="Pipeline.NodePipeline"/>.
/// </summary>
public sealed class HearthNodeSetup
{
    /// <summary>
    /// Extra chat stages around every model's backend, below metering and above the residency guard (so metering records what
    /// they do and nothing they add leaves the node unscanned). Each action adds its stages to the builder it is given for the
    /// model, e.g. <c>(builder, model) =&gt; builder.Use(inner =&gt; new MyChatClient(inner))</c>; in one builder, and across
    /// actions, the first stage added is the outermost.
    /// </summary>
    public List<Action<ChatClientBuilder, ModelDescriptor>> ChatStages { get; } = [];

    /// <summary>Loads local GGUF models; default: the in-process engine.</summary>
    public ILocalModelLoader? LocalModelLoader { get; set; }

    /// <summary>Extra routes mapped after the built-in ones.</summary>
    public List<Action<IEndpointRouteBuilder>> Endpoints { get; } = [];

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Extra log sinks besides stderr (they see the same levels and filters); the node does not dispose them.</summary>
    public List<ILoggerProvider> LoggerProviders { get; } = [];

    /// <summary>Least severe log level written (to stderr).</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Information;
}
