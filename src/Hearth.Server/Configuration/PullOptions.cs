namespace Hearth.Server.Configuration;

/// <summary>Limits of <c>/api/pull</c> and <c>hearth pull</c> (section <c>Pull</c>).</summary>
public sealed record PullOptions
{
    /// <summary>
    /// Largest model file a pull may write, in bytes; a bigger <c>Content-Length</c> is refused before the first byte and a body
    /// that runs past it is cut off and deleted. 0 (default): the free space of the models volume at the start of the pull minus
    /// <see cref="MinFreeDiskBytes"/>.
    /// </summary>
    public long MaxDownloadBytes { get; init; }

    /// <summary>Free disk space a pull always leaves (when <see cref="MaxDownloadBytes"/> is 0). Default 1 GiB.</summary>
    public long MinFreeDiskBytes { get; init; } = 1L << 30;

    /// <summary>
    /// The longest wait for response headers or for the next body bytes; a stalled server fails the attempt (the pull retries
    /// and resumes, then gives up). Default 60 s.
    /// </summary>
    public int IdleReadTimeoutSeconds { get; init; } = 60;

    /// <summary>Largest <c>.sha256</c> sidecar read; a longer one is ignored (a digest line is ~100 bytes). Default 4 KiB.</summary>
    public int MaxSidecarBytes { get; init; } = 4096;
}
