namespace Hearth.Ledger.Entries;

/// <summary>How a ledger entry's energy figure was obtained. Never present an estimate as a measurement.</summary>
public enum EnergyMethod
{
    /// <summary>Read from hardware counters (RAPL powercap and/or NVML total energy) over the request's interval.</summary>
    Measured,

    /// <summary>CPU time attributed to the request × active power per core (from TDP or configuration) plus a DRAM share.</summary>
    Modelled,

    /// <summary>Estimated for work done by an upstream model from its parameter count and token counts.</summary>
    Remote,

    /// <summary>The figure a Hearth peer reported for the work it did on our behalf.</summary>
    PeerReported,
}

/// <summary>Stable lower-case names of <see cref="EnergyMethod"/> used in the ledger, headers and reports.</summary>
public static class EnergyMethodNames
{
    /// <summary>The stable wire name, e.g. <c>modelled</c>.</summary>
    public static string ToWireName(this EnergyMethod method) => method switch
    {
        EnergyMethod.Measured => "measured",
        EnergyMethod.Modelled => "modelled",
        EnergyMethod.Remote => "remote",
        EnergyMethod.PeerReported => "peer-reported",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown energy method"),
    };

    /// <summary>Parses a wire name; throws <see cref="FormatException"/> naming the bad value.</summary>
    public static EnergyMethod Parse(string name) => name switch
    {
        "measured" => EnergyMethod.Measured,
        "modelled" => EnergyMethod.Modelled,
        "remote" => EnergyMethod.Remote,
        "peer-reported" => EnergyMethod.PeerReported,
        _ => throw new FormatException($"Unknown energy method '{name}' (known: measured, modelled, remote, peer-reported)."),
    };
}
