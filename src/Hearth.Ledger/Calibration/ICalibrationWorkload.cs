namespace Hearth.Ledger.Calibration;

/// <summary>Tokens one run of a calibration workload processed.</summary>
/// <param name="TokensIn">Prompt tokens.</param>
/// <param name="TokensOut">Generated tokens.</param>
public readonly record struct CalibrationTokens(long TokensIn, long TokensOut);

/// <summary>
/// One model's fixed calibration workload. The ledger knows nothing of how models run: the host (the CLI) implements this over
/// its inference engine, and <see cref="Calibrator"/> meters each run exactly as the node meters a request.
/// </summary>
/// <remarks>Runs are sequential; an implementation need not be thread-safe. It must do the same work on every run.</remarks>
public interface ICalibrationWorkload
{
    /// <summary>Model id, as the ledger records it (e.g. the GGUF file name without extension).</summary>
    string ModelId { get; }

    /// <summary>Model version, as the ledger records it (e.g. the GGUF SHA-256).</summary>
    string ModelVersion { get; }

    /// <summary>Runs the workload once on the calling flow and returns the tokens it processed.</summary>
    Task<CalibrationTokens> RunOnceAsync(CancellationToken cancellationToken);
}
