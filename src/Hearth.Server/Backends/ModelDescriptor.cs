namespace Hearth.Server.Backends;

/// <summary>Where a model runs.</summary>
public enum BackendKind
{
    /// <summary>A GGUF file in <c>$HEARTH_HOME/models</c>, run by the in-process engine.</summary>
    Local,

    /// <summary>An OpenAI-compatible server named in <c>Upstreams</c>.</summary>
    Upstream,
}

/// <summary>One servable model: its public id and the backend that serves it.</summary>
/// <param name="Id">The name clients use (local: file name without <c>.gguf</c>; upstream: the configured alias).</param>
/// <param name="Kind">Local or upstream.</param>
/// <param name="OwnedBy">"hearth" for local models, else the upstream's name.</param>
/// <param name="RemoteId">Upstream only: the model id sent upstream.</param>
/// <param name="FilePath">Local only: absolute path of the GGUF file.</param>
/// <param name="SizeBytes">Local only: file size.</param>
/// <param name="ModifiedAt">Local: file time; upstream: node start.</param>
public sealed record ModelDescriptor(string Id, BackendKind Kind, string OwnedBy, string? RemoteId, string? FilePath, long SizeBytes, DateTimeOffset ModifiedAt);
