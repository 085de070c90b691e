using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Calibration;

/// <summary>How many times <see cref="Calibrator"/> runs a workload.</summary>
public sealed record CalibrationOptions
{
    /// <summary>Unmetered runs first (JIT, page faults of a mapped model).</summary>
    public int WarmupRuns { get; init; } = 1;

    /// <summary>Metered runs; each is metered as one request and the figures are summed.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupRuns);
        ArgumentOutOfRangeException.ThrowIfLessThan(Runs, 1);
    }
}

/// <summary>
/// One model's calibration: the sums over the metered runs. Energy is facility energy (IT × site PUE) from the same
/// <see cref="Metering.RequestMeter"/> that meters requests, so Wh per 1,000 tokens is comparable with the ledger's entries.
/// </summary>
public sealed record CalibrationResult(
    string ModelId,
    string ModelVersion,
    int Runs,
    long TokensIn,
    long TokensOut,
    double WallSeconds,
    double CpuSeconds,
    double EnergyWattHours,
    EnergyMethod Method,
    double UncertaintyFraction)
{
    /// <summary>Prompt and generated tokens (the ledger's per-1,000-token figures count both).</summary>
    public long Tokens => TokensIn + TokensOut;

    /// <summary>Facility Wh per 1,000 tokens (in + out); 0 when no tokens ran.</summary>
    public double WattHoursPer1kTokens => Tokens == 0 ? 0 : EnergyWattHours * 1000 / Tokens;
}
