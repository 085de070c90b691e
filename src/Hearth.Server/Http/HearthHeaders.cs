using System.Globalization;
using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Http;

/// <summary>
/// The one place where the typed results a pipeline puts on a response, a streamed update or embeddings become
/// <c>x-hearth-*</c> response headers (name/value pairs): the routing outcome, the ledger's meter result and a budget
/// downgrade. <see cref="StreamWriters"/> writes them as headers, trailers and the streamed <c>hearth</c> extension field.
/// Header values are ASCII: any other character of a reason or route becomes <c>?</c>.
/// </summary>
internal static class HearthHeaders
{
    /// <summary>Every Hearth response header starts with it; the <c>hearth</c> extension field drops it.</summary>
    public const string Prefix = "x-hearth-";

    // ---- entry points: all typed results of a response, update or embeddings ------------------------------------------

    public static IReadOnlyList<KeyValuePair<string, string>> Of(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Collect(response.GetRoutingOutcome(), response.GetMeterResult(), response.GetBudgetDowngrade());
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Of(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Collect(update.GetRoutingOutcome(), update.GetMeterResult(), update.GetBudgetDowngrade());
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Of(GeneratedEmbeddings<Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return Collect(null, embeddings.GetMeterResult(), null);
    }

    /// <remarks>Called for every streamed update (one per token): an update without results costs no allocation.</remarks>
    private static IReadOnlyList<KeyValuePair<string, string>> Collect(RoutingOutcome? routing, MeterResult? meter, BudgetDowngrade? budget)
    {
        if (routing is null && meter is null && budget is null)
        {
            return [];
        }
        var headers = new List<KeyValuePair<string, string>>();
        headers.AddRange(Routing(routing));
        if (meter is not null)
        {
            headers.AddRange(Meter(meter));
        }
        if (budget is not null)
        {
            headers.AddRange(Budget(budget));
        }
        return headers;
    }

    // ---- routing: the decision ------------------------------------------------------------------------------------

    /// <summary>The backend the router (or residency) chose.</summary>
    public const string Route = "x-hearth-route";

    /// <summary>Why, in one line.</summary>
    public const string Reason = "x-hearth-reason";

    /// <summary><c>true</c> when a local model answered because the chosen remote one failed.</summary>
    public const string Degraded = "x-hearth-degraded";

    /// <summary>
    /// The headers of a routing or residency decision: <see cref="Route"/> when it names a backend, <see cref="Reason"/>, and
    /// <see cref="Degraded"/> on a failover; none when there is no decision.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> Routing(RoutingOutcome? outcome)
    {
        if (outcome is null)
        {
            yield break;
        }
        if (outcome.Backend is { } backend)
        {
            yield return new(Route, Ascii(backend));
        }
        yield return new(Reason, Ascii(outcome.Reason));
        if (outcome.Degraded)
        {
            yield return new(Degraded, "true");
        }
    }

    /// <summary>Printable ASCII kept, everything else <c>?</c> (one character each, so the length is unchanged).</summary>
    internal static string Ascii(string s) => string.Create(s.Length, s, (span, text) =>
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            span[i] = c is >= ' ' and <= '~' ? c : '?';
        }
    });

    // ---- ledger: the meter result -----------------------------------------------------------------------------------

    /// <summary>The ledger entry's id (32 hex digits), known when the request starts: <c>GET /v1/ledger/entries/{id}</c>.</summary>
    public const string EntryId = "x-hearth-entry-id";
    public const string EnergyWattHours = "x-hearth-energy-wh";
    public const string CarbonGrams = "x-hearth-carbon-g";
    public const string WaterLiters = "x-hearth-water-l";
    public const string Method = "x-hearth-method";

    /// <summary>The ledger headers that come only when a stream ends: sent as trailers when the client accepts them.</summary>
    public static IReadOnlyList<string> MeterTrailerNames { get; } = [EnergyWattHours, CarbonGrams, WaterLiters, Method];

    /// <summary>
    /// The entry id; with figures, energy (Wh), carbon (operational + embodied, gCO2e) and water (L), formatted
    /// <c>0.#########</c> invariant; the energy method when known.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> Meter(MeterResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        yield return new(EntryId, result.EntryId);
        if (result.Figures is { } f)
        {
            yield return new(EnergyWattHours, Number(f.EnergyWattHours));
            yield return new(CarbonGrams, Number(f.TotalGramsCo2e));
            yield return new(WaterLiters, Number(f.LitersWater));
        }
        if (result.EnergyMethod is { } method)
        {
            yield return new(Method, method);
        }
    }

    // ---- ledger: budgets ----------------------------------------------------------------------------------------------

    /// <summary>Set when a <c>Downgrade</c> budget sent the request to a local model: <c>downgraded</c>.</summary>
    public const string BudgetHeader = "x-hearth-budget";

    public static IEnumerable<KeyValuePair<string, string>> Budget(BudgetDowngrade downgrade)
    {
        ArgumentNullException.ThrowIfNull(downgrade);
        yield return new(BudgetHeader, "downgraded");
    }

    private static string Number(double value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
