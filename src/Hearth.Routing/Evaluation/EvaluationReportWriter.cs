using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hearth.Routing.Evaluation;

/// <summary>Renders an <see cref="EvaluationReport"/> as a text table, JSON, or an SVG quality-vs-escalation chart.</summary>
public static class EvaluationReportWriter
{
    /// <summary>A fixed-width table: one row per router with APGR, CPT(50%), CPT(80%).</summary>
    public static string ToText(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"examples={report.Examples} folds={report.Folds}\n");
        sb.Append("router     APGR    CPT(50%)  CPT(80%)\n");
        foreach (var c in new[] { report.Router, report.Random, report.Oracle })
        {
            sb.Append(CultureInfo.InvariantCulture, $"{c.Name,-9} {c.Score.Apgr,6:F4}  {Pct(c.Score.Cpt50),8}  {Pct(c.Score.Cpt80),8}\n");
        }
        sb.Append("fold APGR: ").Append(string.Join(' ', report.FoldApgr.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))).Append('\n');
        return sb.ToString();
    }

    /// <summary>The report as one JSON object.</summary>
    public static string ToJson(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("examples", report.Examples);
            w.WriteNumber("folds", report.Folds);
            foreach (var c in new[] { report.Router, report.Random, report.Oracle })
            {
                w.WriteStartObject(c.Name);
                w.WriteNumber("apgr", Math.Round(c.Score.Apgr, 6));
                WriteNullable(w, "cpt50", c.Score.Cpt50);
                WriteNullable(w, "cpt80", c.Score.Cpt80);
                w.WriteEndObject();
            }
            w.WriteStartArray("fold_apgr");
            foreach (var a in report.FoldApgr)
            {
                w.WriteNumberValue(Math.Round(a, 6));
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>An SVG line chart of PGR against the share escalated, for router, random and oracle.</summary>
    public static string ToSvg(EvaluationReport report, string title)
    {
        ArgumentNullException.ThrowIfNull(report);
        const int width = 640, height = 440, left = 60, right = 20, top = 40, bottom = 50;
        var all = new[] { report.Router, report.Random, report.Oracle };
        var maxY = Math.Max(1.0, all.SelectMany(c => c.PgrCurve).Max());
        var minY = Math.Min(0.0, all.SelectMany(c => c.PgrCurve).Min());
        double X(double c) => left + (c * (width - left - right));
        double Y(double p) => top + ((maxY - p) / (maxY - minY) * (height - top - bottom));
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append(inv, $"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");
        for (int i = 0; i <= 10; i++)
        {
            var c = i / 10.0;
            sb.Append(inv, $"<line x1=\"{X(c):F1}\" y1=\"{top}\" x2=\"{X(c):F1}\" y2=\"{height - bottom}\" stroke=\"#eee\"/>\n");
            sb.Append(inv, $"<text x=\"{X(c):F1}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{c:P0}</text>\n");
        }
        for (double p = Math.Ceiling(minY * 5) / 5; p <= maxY + 1e-9; p += 0.2)
        {
            sb.Append(inv, $"<line x1=\"{left}\" y1=\"{Y(p):F1}\" x2=\"{width - right}\" y2=\"{Y(p):F1}\" stroke=\"#eee\"/>\n");
            sb.Append(inv, $"<text x=\"{left - 6}\" y=\"{Y(p) + 4:F1}\" text-anchor=\"end\">{p:F1}</text>\n");
        }
        sb.Append(inv, $"<text x=\"{width / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">share of requests escalated to the strong model</text>\n");
        sb.Append(inv, $"<text x=\"16\" y=\"{height / 2}\" transform=\"rotate(-90 16 {height / 2})\" text-anchor=\"middle\">PGR (performance gap recovered)</text>\n");
        var colors = new[] { "#d62728", "#7f7f7f", "#1f77b4" };
        for (int k = 0; k < all.Length; k++)
        {
            var curve = all[k].PgrCurve;
            var points = string.Join(' ', curve.Select((p, i) => string.Create(inv, $"{X(i / (double)(curve.Count - 1)):F1},{Y(p):F1}")));
            sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{colors[k]}\" stroke-width=\"2\" points=\"{points}\"/>\n");
            sb.Append(inv, $"<text x=\"{left + 10}\" y=\"{top + 16 + (k * 16)}\" fill=\"{colors[k]}\">{all[k].Name}: APGR {all[k].Score.Apgr:F3}</text>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static string Pct(double v) => double.IsNaN(v) ? "never" : v.ToString("P1", CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsNaN(v))
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteNumber(name, Math.Round(v, 6));
        }
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
