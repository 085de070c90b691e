using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Hearth.Ledger.Reports;

/// <summary>Output formats of a report.</summary>
public enum ReportFormat
{
    Table,
    Csv,
    Json,
    Html,
}

/// <summary>Renders a <see cref="LedgerReport"/> as text, CSV, JSON or self-contained HTML.</summary>
public static class ReportWriters
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// CSV columns. Where CodeCarbon's emissions.csv means the same thing its name and unit are used:
    /// <c>timestamp</c>, <c>project_name</c>, <c>duration</c> (s), <c>emissions</c> (kg CO2e, operational),
    /// <c>emissions_rate</c> (kg/s), <c>energy_consumed</c> (kWh, facility), <c>country_iso_code</c>, <c>pue</c> is not
    /// repeated (it is inside energy_consumed). Hearth's own columns carry their unit in the name.
    /// </summary>
    public static readonly string[] CsvColumns =
    [
        "timestamp", "project_name", "group_by", "group", "requests", "tokens_in", "tokens_out", "duration", "emissions",
        "emissions_rate", "energy_consumed", "country_iso_code", "cpu_seconds", "embodied_emissions_g", "water_l", "heat_wh",
        "sci_g_per_request", "sci_g_per_1k_tokens", "energy_method", "counterfactual_model", "counterfactual_energy_wh",
        "counterfactual_emissions_g", "counterfactual_water_l", "avoided_energy_wh", "avoided_emissions_g", "avoided_water_l",
        "cancelled_requests", "failed_requests",
    ];

    public static string Render(LedgerReport report, ReportFormat format) => format switch
    {
        ReportFormat.Table => Table(report),
        ReportFormat.Csv => Csv(report),
        ReportFormat.Json => Json(report),
        ReportFormat.Html => Html(report),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown report format"),
    };

    public static string Csv(LedgerReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.AppendJoin(',', CsvColumns).Append('\n');
        foreach (var r in report.Rows.Append(report.Total))
        {
            var kg = r.OperationalGramsCo2e / 1000.0;
            string[] cells =
            [
                report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", Inv), "hearth", report.GroupBy.ToString().ToLowerInvariant(),
                r.Group, N(r.Requests), N(r.TokensIn), N(r.TokensOut), N(r.DurationSeconds), N(kg),
                N(r.DurationSeconds > 0 ? kg / r.DurationSeconds : 0), N(r.EnergyWattHours / 1000.0), r.Zone, N(r.CpuSeconds),
                N(r.EmbodiedGramsCo2e), N(r.WaterLiters), N(r.HeatWattHours), N(r.SciGramsCo2ePerRequest),
                r.SciGramsCo2ePer1kTokens is { } s ? N(s) : "", r.Methods, report.Counterfactual.Name, N(r.CounterfactualWattHours),
                N(r.CounterfactualGramsCo2e), N(r.CounterfactualWaterLiters), N(r.AvoidedWattHours), N(r.AvoidedGramsCo2e), N(r.AvoidedWaterLiters),
                N(r.CancelledRequests), N(r.FailedRequests),
            ];
            sb.AppendJoin(',', cells.Select(CsvCell)).Append('\n');
        }
        return sb.ToString();
    }

    public static string Json(LedgerReport report) =>
        JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    /// <summary>What "avoided" means, printed with the table and HTML reports (docs/ledger.md, "Reports").</summary>
    public const string CounterfactualDefinition =
        "avoided = counterfactual - actual. The counterfactual is the large model's facility energy for the same output tokens "
        + "(EcoLogits' GPU energy per output token x PUE); it leaves out prompt processing and the server's non-GPU power, so it is a "
        + "lower bound. A negative avoided figure means this node spent more than that lower bound on those requests: typical of "
        + "cancelled or failed requests (energy spent, few or no output tokens) and of long prompts with short answers.";

    public static string Table(LedgerReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string[] head = ["group", "requests", "tokens", "energy Wh", "gCO2e", "water L", "SCI g/req", "SCI g/1k tok", "method", "avoided Wh", "avoided gCO2e", "avoided L"];
        var rows = report.Rows.Append(report.Total).Select(r => new[]
        {
            r.Group, N(r.Requests), N(r.TokensIn + r.TokensOut), F(r.EnergyWattHours), F(r.OperationalGramsCo2e + r.EmbodiedGramsCo2e),
            F(r.WaterLiters), F(r.SciGramsCo2ePerRequest), r.SciGramsCo2ePer1kTokens is { } s ? F(s) : "-", r.Methods,
            F(r.AvoidedWattHours), F(r.AvoidedGramsCo2e), F(r.AvoidedWaterLiters),
        }).ToList();
        var widths = head.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        sb.Append(Inv, $"Hearth ledger report by {report.GroupBy.ToString().ToLowerInvariant()} — {report.StoreDescription}\n");
        sb.Append(Inv, $"Counterfactual: every request served by {report.Counterfactual.Name} ({report.Counterfactual.ActiveParamsBillions} B params, PUE {report.Counterfactual.ProviderPue})\n");
        sb.Append(CounterfactualDefinition).Append('\n');
        sb.AppendJoin("  ", head.Select((h, i) => h.PadRight(widths[i]))).Append('\n');
        foreach (var r in rows)
        {
            sb.AppendJoin("  ", r.Select((c, i) => i == 0 || i == 8 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).Append('\n');
        }
        return sb.ToString();
    }

    public static string Html(LedgerReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hearth ledger report</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
          .Append("tr.total{font-weight:bold}h2{margin-top:1.5em}.note{color:#555;font-size:90%}</style></head><body>");
        sb.Append(Inv, $"<h1>Hearth ledger report by {E(report.GroupBy.ToString().ToLowerInvariant())}</h1>");
        sb.Append(Inv, $"<p class=\"note\">Store {E(report.StoreDescription)}; generated {report.GeneratedAt:yyyy-MM-dd HH:mm:ss}Z");
        if (report.From is { } f)
        {
            sb.Append(Inv, $"; from {f:yyyy-MM-dd HH:mm}Z");
        }
        if (report.To is { } t)
        {
            sb.Append(Inv, $"; to {t:yyyy-MM-dd HH:mm}Z");
        }
        sb.Append(Inv, $". Counterfactual: every request served by {E(report.Counterfactual.Name)} ({report.Counterfactual.ActiveParamsBillions} B active parameters, PUE {report.Counterfactual.ProviderPue}), estimated with the same remote formula.</p>");
        sb.Append("<p class=\"note\">").Append(E(CounterfactualDefinition)).Append("</p>");
        sb.Append("<table><tr><th>group</th><th>requests</th><th>tokens</th><th>energy Wh</th><th>gCO2e</th><th>water L</th><th>SCI g/request</th><th>SCI g/1k tokens</th><th>method</th><th>avoided Wh</th><th>avoided gCO2e</th><th>avoided L</th></tr>");
        foreach (var r in report.Rows.Append(report.Total))
        {
            sb.Append(r == report.Total ? "<tr class=\"total\">" : "<tr>");
            foreach (var c in new[]
                     {
                         r.Group, N(r.Requests), N(r.TokensIn + r.TokensOut), F(r.EnergyWattHours), F(r.OperationalGramsCo2e + r.EmbodiedGramsCo2e),
                         F(r.WaterLiters), F(r.SciGramsCo2ePerRequest), r.SciGramsCo2ePer1kTokens is { } s ? F(s) : "-", r.Methods,
                         F(r.AvoidedWattHours), F(r.AvoidedGramsCo2e), F(r.AvoidedWaterLiters),
                     })
            {
                sb.Append("<td>").Append(E(c)).Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</table>");
        sb.Append("<h2>Energy: actual vs counterfactual (Wh)</h2>");
        BarChart(sb, report.Rows.Select(r => (r.Group, r.EnergyWattHours, r.CounterfactualWattHours)).ToList(), "Wh");
        sb.Append("<h2>Carbon: actual vs counterfactual (gCO2e)</h2>");
        BarChart(sb, report.Rows.Select(r => (r.Group, r.OperationalGramsCo2e + r.EmbodiedGramsCo2e, r.CounterfactualGramsCo2e)).ToList(), "gCO2e");
        sb.Append("<h2>Water: actual vs counterfactual (L)</h2>");
        BarChart(sb, report.Rows.Select(r => (r.Group, r.WaterLiters, r.CounterfactualWaterLiters)).ToList(), "L");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void BarChart(StringBuilder sb, List<(string Label, double Actual, double Counterfactual)> rows, string unit)
    {
        const int labelW = 160, barW = 420, rowH = 34, pad = 10;
        var max = rows.Count == 0 ? 1 : Math.Max(1e-12, rows.Max(r => Math.Max(r.Actual, r.Counterfactual)));
        var h = (rows.Count * rowH) + (2 * pad) + 20;
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelW + barW + 140}\" height=\"{h}\" role=\"img\" aria-label=\"bar chart in {unit}\">");
        sb.Append(Inv, $"<rect x=\"{labelW}\" y=\"{pad}\" width=\"12\" height=\"8\" fill=\"#2e7d32\"/><text x=\"{labelW + 16}\" y=\"{pad + 8}\" font-size=\"11\">actual</text>");
        sb.Append(Inv, $"<rect x=\"{labelW + 80}\" y=\"{pad}\" width=\"12\" height=\"8\" fill=\"#c62828\"/><text x=\"{labelW + 96}\" y=\"{pad + 8}\" font-size=\"11\">counterfactual</text>");
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, actual, cf) = rows[i];
            var y = pad + 20 + (i * rowH);
            var wa = Math.Max(1, actual / max * barW);
            var wc = Math.Max(1, cf / max * barW);
            sb.Append(Inv, $"<text x=\"0\" y=\"{y + 14}\" font-size=\"12\">{E(label.Length > 24 ? label[..24] + "…" : label)}</text>");
            sb.Append(Inv, $"<rect x=\"{labelW}\" y=\"{y}\" width=\"{wa:0.##}\" height=\"12\" fill=\"#2e7d32\"/>");
            sb.Append(Inv, $"<text x=\"{labelW + wa + 4:0.##}\" y=\"{y + 10}\" font-size=\"10\">{F(actual)}</text>");
            sb.Append(Inv, $"<rect x=\"{labelW}\" y=\"{y + 14}\" width=\"{wc:0.##}\" height=\"12\" fill=\"#c62828\"/>");
            sb.Append(Inv, $"<text x=\"{labelW + wc + 4:0.##}\" y=\"{y + 24}\" font-size=\"10\">{F(cf)}</text>");
        }
        sb.Append("</svg>");
    }

    private static string N(long v) => v.ToString(Inv);
    private static string N(double v) => v.ToString("R", Inv);
    private static string F(double v) => Math.Abs(v) >= 0.01 || v == 0 ? v.ToString("0.###", Inv) : v.ToString("0.###E+0", Inv);
    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string CsvCell(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
