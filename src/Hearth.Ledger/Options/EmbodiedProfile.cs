namespace Hearth.Ledger.Options;

/// <summary>
/// The device's embodied (manufacturing) emissions for SCI's M:
/// <c>M = TotalGramsCo2e × reservedTime / Lifetime × resourceShare</c>.
/// The default figure is a placeholder a site must replace with its vendor's product carbon footprint.
/// </summary>
public sealed record EmbodiedProfile
{
    /// <summary>Total embodied emissions of the device, gCO2e (default 1,000 kg: a mid-size 2-socket server order of magnitude).</summary>
    public double TotalGramsCo2e { get; init; } = 1_000_000;

    /// <summary>Expected service life of the device (default 4 years).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromDays(4 * 365);

    /// <summary>Logical CPUs of the whole device; a request's resource share is its CPU time ÷ (wall time × this).</summary>
    public int DeviceLogicalCpus { get; init; } = Environment.ProcessorCount;

    internal void Validate(List<string> errors)
    {
        LedgerOptions.Range(errors, "Embodied.TotalGramsCo2e", TotalGramsCo2e, 0, 1e10);
        if (Lifetime <= TimeSpan.Zero)
        {
            errors.Add("Embodied.Lifetime: must be positive.");
        }
        if (DeviceLogicalCpus <= 0)
        {
            errors.Add("Embodied.DeviceLogicalCpus: must be at least 1.");
        }
    }
}
