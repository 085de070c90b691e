namespace Hearth.Ledger.Carbon;

/// <summary>One reading of grid carbon intensity (location-based, as SCI requires).</summary>
/// <param name="GramsCo2ePerKwh">Intensity, gCO2e per kWh.</param>
/// <param name="Source">Which source and figure, e.g. <c>static:FRA:2023</c> or <c>electricitymaps:DE</c>.</param>
/// <param name="ValidFrom">Start of the interval the figure describes.</param>
/// <param name="ValidFor">Length of that interval.</param>
public sealed record IntensityReading(double GramsCo2ePerKwh, string Source, DateTimeOffset ValidFrom, TimeSpan ValidFor);

/// <summary>A source of grid carbon intensity for a location at a time.</summary>
/// <remarks>Implementations throw <see cref="IntensityUnavailableException"/> (or an HTTP/JSON exception) when they
/// have no figure; <see cref="FallbackIntensitySource"/> turns any failure into the static figure.</remarks>
public interface ICarbonIntensitySource
{
    /// <summary>Short name of the source, e.g. <c>static</c>.</summary>
    string Name { get; }

    /// <summary>The intensity at <paramref name="location"/> around <paramref name="at"/>.</summary>
    Task<IntensityReading> GetIntensityAsync(string location, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>A source had no figure for the location/time asked (names both).</summary>
public sealed class IntensityUnavailableException : Exception
{
    public IntensityUnavailableException()
    {
    }

    public IntensityUnavailableException(string message) : base(message)
    {
    }

    public IntensityUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }
}
