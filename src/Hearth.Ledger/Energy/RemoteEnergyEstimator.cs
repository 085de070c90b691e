namespace Hearth.Ledger.Energy;

/// <summary>
/// Energy of work done by an upstream model, estimated from its active parameter count and output tokens with the
/// EcoLogits linear fit of GPU energy per output token (fitted on ML.ENERGY leaderboard measurements):
/// <c>E_Wh = T_out × (α × P_active_billions + β) × PUE_provider</c>, α = 8.91e-5 Wh, β = 1.43e-3 Wh.
/// It omits the non-GPU share of the server, so it is a lower bound of the provider's facility energy.
/// </summary>
public static class RemoteEnergyEstimator
{
    /// <summary>α: GPU energy per output token per billion active parameters, Wh.</summary>
    public const double AlphaWattHoursPerTokenPerBillionParams = 8.91e-5;

    /// <summary>β: GPU energy per output token independent of size, Wh.</summary>
    public const double BetaWattHoursPerToken = 1.43e-3;

    /// <summary>Stated relative uncertainty of remote estimates (±60 %).</summary>
    public const double UncertaintyFraction = 0.6;

    /// <summary>Facility energy of <paramref name="outputTokens"/> tokens from a model of <paramref name="activeParamsBillions"/>.</summary>
    public static double EstimateWattHours(double activeParamsBillions, long outputTokens, double providerPue)
    {
        if (activeParamsBillions < 0 || double.IsNaN(activeParamsBillions))
        {
            throw new ArgumentOutOfRangeException(nameof(activeParamsBillions), activeParamsBillions, "parameter count must be non-negative");
        }
        if (providerPue < 1 || double.IsNaN(providerPue))
        {
            throw new ArgumentOutOfRangeException(nameof(providerPue), providerPue, "PUE must be at least 1");
        }
        return Math.Max(0, outputTokens) * ((AlphaWattHoursPerTokenPerBillionParams * activeParamsBillions) + BetaWattHoursPerToken) * providerPue;
    }
}
