using System.Globalization;
using Hearth.Routing.Policies;

namespace Hearth.Routing.Carbon;

/// <summary>A carbon-aware choice with its explanation.</summary>
/// <param name="Backend">The chosen backend.</param>
/// <param name="Forecast">Its forecast.</param>
/// <param name="Reason">Why it won (for <c>x-hearth-reason</c>).</param>
public sealed record CarbonChoice(BackendOptions Backend, CarbonForecast Forecast, string Reason);

/// <summary>
/// Chooses, among candidate backends the quality policy allows, the one with the lowest expected gCO2e; backends whose site
/// has on-site renewable surplus are preferred over all others (then lowest gCO2e among them). Ties go to the local backend,
/// then to the smaller tier, then by name (deterministic).
/// </summary>
public static class CarbonAwareSelector
{
    /// <summary>Picks one candidate.</summary>
    /// <exception cref="ArgumentException">No candidates.</exception>
    public static async ValueTask<CarbonChoice> ChooseAsync(IReadOnlyList<BackendOptions> candidates, ICarbonEstimate estimate, int promptTokens, int outputTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(estimate);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("No candidate backends.", nameof(candidates));
        }
        var scored = new List<(BackendOptions Backend, CarbonForecast Forecast)>(candidates.Count);
        foreach (var b in candidates)
        {
            scored.Add((b, await estimate.EstimateAsync(b, promptTokens, outputTokens, cancellationToken).ConfigureAwait(false)));
        }
        var best = scored
            .OrderByDescending(s => s.Forecast.RenewableSurplus)
            .ThenBy(s => s.Forecast.ExpectedGramsCo2e)
            .ThenByDescending(s => s.Backend.IsLocal)
            .ThenBy(s => s.Backend.Tier)
            .ThenBy(s => s.Backend.Name, StringComparer.Ordinal)
            .First();
        var others = string.Join(", ", scored.Where(s => s.Backend != best.Backend)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Backend.Name} {s.Forecast.ExpectedGramsCo2e:G3} g")));
        var why = string.Create(CultureInfo.InvariantCulture,
            $"carbon-aware: {best.Backend.Name} {best.Forecast.ExpectedGramsCo2e:G3} gCO2e expected ({best.Forecast.EnergyWattHours:G3} Wh x {best.Forecast.IntensityGramsCo2ePerKwh:G4} g/kWh){(best.Forecast.RenewableSurplus ? ", on-site renewable surplus" : string.Empty)}");
        return new CarbonChoice(best.Backend, best.Forecast, others.Length > 0 ? why + "; vs " + others : why);
    }
}
