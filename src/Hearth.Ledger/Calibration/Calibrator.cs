using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;

namespace Hearth.Ledger.Calibration;

/// <summary>
/// Runs a fixed local workload through the request meter so a site can compare Hearth's Wh per 1,000 tokens with a power
/// meter: warm-up runs unmetered, then each run metered as one request (<see cref="IRequestMeter.BeginRequest"/> …
/// <see cref="RequestScope.Complete"/>: the same CPU attribution and energy model — measured with RAPL/NVML, else modelled —
/// as every served request), and the runs summed. Nothing is written to a ledger.
/// </summary>
public static class Calibrator
{
    /// <summary>Tenant and route the calibration's (unwritten) entries carry.</summary>
    public const string Tenant = "calibration";

    public static async Task<CalibrationResult> RunAsync(IRequestMeter meter, ICalibrationWorkload workload, CalibrationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        for (var i = 0; i < options.WarmupRuns; i++)
        {
            await workload.RunOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        var entries = new List<LedgerEntry>(options.Runs);
        for (var i = 0; i < options.Runs; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = meter.BeginRequest(new RequestInfo
            {
                Tenant = Tenant,
                Route = "calibrate",
                Backend = "local",
                ModelId = workload.ModelId,
                ModelVersion = workload.ModelVersion,
            });
            var tokens = await workload.RunOnceAsync(cancellationToken).ConfigureAwait(false);
            entries.Add(scope.Complete(tokens.TokensIn, tokens.TokensOut));
        }
        return new CalibrationResult(
            workload.ModelId,
            workload.ModelVersion,
            entries.Count,
            entries.Sum(e => e.TokensIn),
            entries.Sum(e => e.TokensOut),
            entries.Sum(e => e.LatencyMilliseconds) / 1000,
            entries.Sum(e => e.CpuSeconds),
            entries.Sum(e => e.EnergyWattHours),
            entries[0].EnergyMethod,
            entries.Max(e => e.EnergyUncertaintyFraction));
    }
}
