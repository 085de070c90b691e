using System.Collections.Concurrent;
using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Energy;

/// <summary>
/// CPU seconds per token of each local model as the ledger measured them: an exponentially weighted mean (weight 0.2 for
/// the newest) of <c>CpuSeconds / (TokensIn + TokensOut)</c> over the model's completed ledger entries. A router's carbon
/// estimate reads it. Thread-safe.
/// </summary>
/// <remarks>
/// Fed by the metering stage of each local model: <see cref="ObserverFor"/> gives the callback to chain into
/// <c>MeteringChatClientOptions.OnEntry</c> (<c>options.AlsoOnEntry(profile.ObserverFor(modelId))</c>). Only entries of
/// calls that completed (<see cref="RequestOutcome.Ok"/>) count: a cancelled or failed call's tokens do not describe the
/// model's cost per token.
/// </remarks>
public sealed class LocalEnergyProfile
{
    private const double NewestWeight = 0.2;
    private readonly ConcurrentDictionary<string, double> _cpuSecondsPerToken = new(StringComparer.Ordinal);

    /// <summary>The measured figure for a model, or null before its first metered request.</summary>
    public double? CpuSecondsPerToken(string model) => _cpuSecondsPerToken.TryGetValue(model, out var v) ? v : null;

    /// <summary>Adds one entry of <paramref name="model"/> to its mean; an entry without tokens or CPU time is ignored.</summary>
    public void Observe(string model, LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var tokens = entry.TokensIn + entry.TokensOut;
        if (tokens <= 0 || entry.CpuSeconds <= 0 || double.IsNaN(entry.CpuSeconds))
        {
            return;
        }
        var perToken = entry.CpuSeconds / tokens;
        _cpuSecondsPerToken.AddOrUpdate(model, perToken, (_, old) => old + (NewestWeight * (perToken - old)));
    }

    /// <summary>The callback a local model's metering stage calls with each appended entry: observes the completed ones.</summary>
    public Action<LedgerEntry> ObserverFor(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return entry =>
        {
            if (entry.Outcome == RequestOutcome.Ok)
            {
                Observe(model, entry);
            }
        };
    }
}
