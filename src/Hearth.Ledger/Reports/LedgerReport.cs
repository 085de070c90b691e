using System.Globalization;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Reports;

/// <summary>How report rows are grouped.</summary>
public enum ReportGrouping
{
    Model,
    Tenant,
    Day,
    Route,

    /// <summary>By routing policy (empty = requests no router decided).</summary>
    Policy,

    /// <summary>By the router's reason text (empty = requests no router decided).</summary>
    Reason,

    /// <summary>By outcome: ok, cancelled, error.</summary>
    Outcome,
}

/// <summary>Names of <see cref="ReportGrouping"/> as the CLI and API accept them.</summary>
public static class ReportGroupings
{
    /// <summary>Every grouping name, for messages: model, tenant, day, route, policy, reason, outcome.</summary>
    public static readonly IReadOnlyList<string> Names = [.. Enum.GetValues<ReportGrouping>().Select(g => g.ToString().ToLowerInvariant())];

    /// <summary>Parses a grouping name (case-insensitive); false for anything else (numbers included).</summary>
    public static bool TryParse(string? name, out ReportGrouping grouping)
    {
        foreach (var g in Enum.GetValues<ReportGrouping>())
        {
            if (string.Equals(g.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                grouping = g;
                return true;
            }
        }
        grouping = default;
        return false;
    }
}

/// <summary>
/// The "had every request gone to the large model" comparison: each request's output tokens are re-estimated with
/// <see cref="RemoteEnergyEstimator"/> for a model of <see cref="ActiveParamsBillions"/> at <see cref="ProviderPue"/>,
/// and turned into carbon and water with the same intensity and water factors the entry used.
/// </summary>
public sealed record CounterfactualModel(string Name, double ActiveParamsBillions, double ProviderPue);

/// <summary>One row of a report.</summary>
public sealed record ReportRow
{
    public string Group { get; init; } = "";
    public long Requests { get; init; }
    public long TokensIn { get; init; }
    public long TokensOut { get; init; }
    public double DurationSeconds { get; init; }
    public double CpuSeconds { get; init; }
    public double EnergyWattHours { get; init; }
    public double OperationalGramsCo2e { get; init; }
    public double EmbodiedGramsCo2e { get; init; }
    public double WaterLiters { get; init; }
    public double HeatWattHours { get; init; }
    public double SciGramsCo2ePerRequest => Requests == 0 ? 0 : (OperationalGramsCo2e + EmbodiedGramsCo2e) / Requests;
    public double? SciGramsCo2ePer1kTokens => TokensIn + TokensOut == 0 ? null : (OperationalGramsCo2e + EmbodiedGramsCo2e) * 1000 / (TokensIn + TokensOut);
    public double CounterfactualWattHours { get; init; }
    public double CounterfactualGramsCo2e { get; init; }
    public double CounterfactualWaterLiters { get; init; }
    public double AvoidedWattHours => CounterfactualWattHours - EnergyWattHours;
    public double AvoidedGramsCo2e => CounterfactualGramsCo2e - (OperationalGramsCo2e + EmbodiedGramsCo2e);
    public double AvoidedWaterLiters => CounterfactualWaterLiters - WaterLiters;

    /// <summary>Requests of the group that were cancelled by the client / failed (their energy is included above).</summary>
    public long CancelledRequests { get; init; }
    public long FailedRequests { get; init; }

    /// <summary>Energy methods seen, e.g. <c>modelled</c> or <c>measured+remote</c>.</summary>
    public string Methods { get; init; } = "";
    public string Zone { get; init; } = "";
}

/// <summary>A whole report: rows plus a total row.</summary>
public sealed record LedgerReport(
    ReportGrouping GroupBy,
    DateTimeOffset? From,
    DateTimeOffset? To,
    CounterfactualModel Counterfactual,
    IReadOnlyList<ReportRow> Rows,
    ReportRow Total,
    DateTimeOffset GeneratedAt,
    string StoreDescription);

/// <summary>Builds reports by streaming the store's entries.</summary>
public static class LedgerReportBuilder
{
    /// <summary>Default counterfactual: a 70-billion-parameter model at PUE 1.2.</summary>
    public static readonly CounterfactualModel DefaultCounterfactual = new("large-70B", 70, 1.2);

    public static Task<LedgerReport> BuildAsync(
        ILedgerStore store, ReportGrouping by, DateTimeOffset? from, DateTimeOffset? to, CounterfactualModel? counterfactual,
        TimeProvider? time, CancellationToken cancellationToken) =>
        BuildAsync(store, by, from, to, null, counterfactual, time, cancellationToken);

    /// <summary>As above, over one tenant's entries only when <paramref name="tenant"/> is set.</summary>
    public static async Task<LedgerReport> BuildAsync(
        ILedgerStore store, ReportGrouping by, DateTimeOffset? from, DateTimeOffset? to, string? tenant, CounterfactualModel? counterfactual,
        TimeProvider? time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var cf = counterfactual ?? DefaultCounterfactual;
        var groups = new SortedDictionary<string, Acc>(StringComparer.Ordinal);
        var total = new Acc();
        long after = 0;
        while (true)
        {
            var page = await store.QueryAsync(new LedgerQuery { AfterSequence = after, From = from, To = to, Tenant = tenant, Limit = 10_000 }, cancellationToken).ConfigureAwait(false);
            foreach (var e in page)
            {
                var key = by switch
                {
                    ReportGrouping.Model => e.ModelId,
                    ReportGrouping.Tenant => e.Tenant,
                    ReportGrouping.Route => e.Route,
                    ReportGrouping.Policy => e.Policy,
                    ReportGrouping.Reason => e.Reason,
                    ReportGrouping.Outcome => e.Outcome.ToWireName(),
                    _ => e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                };
                if (!groups.TryGetValue(key, out var acc))
                {
                    groups[key] = acc = new Acc();
                }
                acc.Add(e, cf);
                total.Add(e, cf);
            }
            if (page.Count < 10_000)
            {
                break;
            }
            after = page[^1].Sequence;
        }
        return new LedgerReport(
            by, from, to, cf,
            groups.Select(kv => kv.Value.ToRow(kv.Key)).ToList(),
            total.ToRow("total"),
            (time ?? TimeProvider.System).GetUtcNow(),
            store.Description);
    }

    private sealed class Acc
    {
        private long _n, _in, _out, _cancelled, _failed;
        private double _dur, _cpu, _wh, _op, _emb, _water, _heat, _cfWh, _cfG, _cfL;
        private readonly SortedSet<string> _methods = new(StringComparer.Ordinal);
        private readonly SortedSet<string> _zones = new(StringComparer.Ordinal);

        public void Add(LedgerEntry e, CounterfactualModel cf)
        {
            _n++;
            _cancelled += e.Outcome == RequestOutcome.Cancelled ? 1 : 0;
            _failed += e.Outcome == RequestOutcome.Error ? 1 : 0;
            _in += e.TokensIn;
            _out += e.TokensOut;
            _dur += e.LatencyMilliseconds / 1000.0;
            _cpu += e.CpuSeconds;
            _wh += e.EnergyWattHours;
            _op += e.OperationalGramsCo2e;
            _emb += e.EmbodiedGramsCo2e;
            _water += e.WaterLiters;
            _heat += e.HeatWattHours;
            var cfWh = RemoteEnergyEstimator.EstimateWattHours(cf.ActiveParamsBillions, e.TokensOut, cf.ProviderPue);
            _cfWh += cfWh;
            _cfG += cfWh / 1000.0 * e.IntensityGramsCo2ePerKwh;
            // Water per Wh as the entry itself had it (same grid and site factors).
            _cfL += e.EnergyWattHours > 0 ? e.WaterLiters / e.EnergyWattHours * cfWh : 0;
            _methods.Add(e.EnergyMethod.ToWireName());
            _zones.Add(e.Zone);
        }

        public ReportRow ToRow(string group) => new()
        {
            Group = group,
            Requests = _n,
            CancelledRequests = _cancelled,
            FailedRequests = _failed,
            TokensIn = _in,
            TokensOut = _out,
            DurationSeconds = _dur,
            CpuSeconds = _cpu,
            EnergyWattHours = _wh,
            OperationalGramsCo2e = _op,
            EmbodiedGramsCo2e = _emb,
            WaterLiters = _water,
            HeatWattHours = _heat,
            CounterfactualWattHours = _cfWh,
            CounterfactualGramsCo2e = _cfG,
            CounterfactualWaterLiters = _cfL,
            Methods = string.Join('+', _methods),
            Zone = string.Join('+', _zones),
        };
    }
}
