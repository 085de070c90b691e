using Hearth.Server.Backends;
using Hearth.Server.Backends.Local;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Hearth.Server.Hosting;

/// <summary>
/// Composition seams for a node, filled before it starts: the chat pipeline (middleware added top to bottom), the local model
/// loader, extra endpoints (ledger, dashboard) and the clock. Telemetry is already the first pipeline stage.
/// </summary>
public sealed class HearthNodeSetup
{
    /// <summary>Middleware around every backend; the first stage added is the outermost.</summary>
    public ChatPipelineBuilder ChatPipeline { get; } = new();

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
