namespace Hearth.Contracts;

/// <summary>
/// How a request was metered: the ledger entry's id (known when the call starts) and, once the entry is sealed, its figures.
/// On a stream the first update carries the id (and the method when known in advance) with <see cref="Figures"/> null; the
/// last carries everything.
/// </summary>
/// <param name="EntryId">The ledger entry's id (32 hex digits).</param>
/// <param name="EnergyMethod">How the energy was obtained (<c>measured</c>, <c>modelled</c>, <c>remote</c>, <c>peer-reported</c>), when known.</param>
/// <param name="Figures">The sealed entry's figures; null until the call has ended.</param>
public sealed record MeterResult(string EntryId, string? EnergyMethod, MeteredFigures? Figures);

/// <summary>A sealed ledger entry's figures.</summary>
/// <param name="EnergyWattHours">Energy attributed to the request.</param>
/// <param name="EnergyUncertaintyFraction">Relative uncertainty of the energy (0.1 = ±10 %).</param>
/// <param name="OperationalGramsCo2e">Carbon of the energy at the grid intensity of the request's time and place.</param>
/// <param name="EmbodiedGramsCo2e">The request's share of the hardware's embodied carbon.</param>
/// <param name="LitersWater">Water consumed (on-site cooling and the grid's generation).</param>
public sealed record MeteredFigures(
    double EnergyWattHours,
    double EnergyUncertaintyFraction,
    double OperationalGramsCo2e,
    double EmbodiedGramsCo2e,
    double LitersWater)
{
    /// <summary>Operational plus embodied carbon.</summary>
    public double TotalGramsCo2e => OperationalGramsCo2e + EmbodiedGramsCo2e;
}
