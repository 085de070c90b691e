using Hearth.Routing.Policies;

namespace Hearth.Routing.Carbon;

/// <summary>Expected footprint of serving one request on one backend (the node implements the source from the ledger's estimators).</summary>
/// <param name="EnergyWattHours">Expected energy of the request on that backend, in Wh.</param>
/// <param name="IntensityGramsCo2ePerKwh">Current carbon intensity of the backend's site, in gCO2e/kWh.</param>
/// <param name="RenewableSurplus">True when the site has on-site renewable surplus right now (energy that would otherwise be curtailed or exported).</param>
public readonly record struct CarbonForecast(double EnergyWattHours, double IntensityGramsCo2ePerKwh, bool RenewableSurplus)
{
    /// <summary>Expected emissions: energy × intensity, in gCO2e.</summary>
    public double ExpectedGramsCo2e => EnergyWattHours / 1000.0 * IntensityGramsCo2ePerKwh;
}

/// <summary>Estimates, per backend, the energy of a request and the current intensity of the backend's site.</summary>
public interface ICarbonEstimate
{
    /// <summary>The forecast for serving a request of about <paramref name="promptTokens"/> prompt tokens and <paramref name="outputTokens"/> output tokens on the backend.</summary>
    /// <exception cref="Hybrid.RoutingRequestException">The backend's footprint cannot be estimated (e.g. its site is not configured).</exception>
    ValueTask<CarbonForecast> EstimateAsync(BackendOptions backend, int promptTokens, int outputTokens, CancellationToken cancellationToken);
}
