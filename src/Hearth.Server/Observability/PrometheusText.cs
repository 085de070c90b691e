using System.Globalization;
using System.Text;

namespace Hearth.Server.Observability;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4): HELP/TYPE lines, escaped label values, <c>+Inf</c>.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Header(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    public static void Sample(StringBuilder sb, string name, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues, double value, string? extraLabel = null, string? extraValue = null)
    {
        sb.Append(name);
        if (labelNames.Count > 0 || extraLabel is not null)
        {
            sb.Append('{');
            for (var i = 0; i < labelNames.Count; i++)
            {
                if (i > 0) { sb.Append(','); }
                sb.Append(labelNames[i]).Append("=\"").Append(EscapeLabel(labelValues[i])).Append('"');
            }
            if (extraLabel is not null)
            {
                if (labelNames.Count > 0) { sb.Append(','); }
                sb.Append(extraLabel).Append("=\"").Append(extraValue).Append('"');
            }
            sb.Append('}');
        }
        sb.Append(' ').Append(Format(value)).Append('\n');
    }

    public static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    public static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
