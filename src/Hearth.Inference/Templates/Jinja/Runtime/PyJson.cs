using System.Globalization;
using System.Text;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>
/// Jinja2's <c>tojson</c>: Python <c>json.dumps(value, sort_keys=True, indent=indent)</c> (ASCII-only output,
/// <c>", "</c>/<c>": "</c> separators, or <c>","</c> plus newlines when indenting), then <c>&lt; &gt; &amp; '</c> escaped
/// as <c>\u003c \u003e \u0026 \u0027</c> so the text is safe inside HTML.
/// </summary>
internal static class PyJson
{
    public static string ToJson(Evaluator ev, object? value, string? indent)
    {
        var sb = new StringBuilder();
        Write(ev, sb, value, indent, 0);
        return sb.ToString();
    }

    private static void Write(Evaluator ev, StringBuilder sb, object? value, string? indent, int level)
    {
        if (level > 200)
        {
            throw new TemplateTypeError("value nested too deeply for tojson");
        }
        ev.CheckLength(sb.Length);
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyText.FloatRepr(d));
                break;
            case string s:
                WriteString(sb, s);
                break;
            case Markup m:
                WriteString(sb, m.Value);
                break;
            case IReadOnlyList<object?> list when value is List<object?> or PyTuple:
                if (list.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    Separator(sb, indent, level + 1, i == 0);
                    Write(ev, sb, list[i], indent, level + 1);
                }
                Close(sb, indent, level);
                sb.Append(']');
                break;
            case PyDict dict:
                if (dict.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }
                var entries = dict.Select(pair => (Key: KeyText(pair.Key), Sort: pair.Key, pair.Value)).ToList();
                entries.Sort((a, b) => PyOps.Compare(a.Sort, b.Sort, "<"));
                sb.Append('{');
                for (int i = 0; i < entries.Count; i++)
                {
                    Separator(sb, indent, level + 1, i == 0);
                    WriteString(sb, entries[i].Key);
                    sb.Append(": ");
                    Write(ev, sb, entries[i].Value, indent, level + 1);
                }
                Close(sb, indent, level);
                sb.Append('}');
                break;
            case JinjaNamespace:
            case Undefined:
            default:
                throw new TemplateTypeError($"Object of type {PyOps.TypeName(value)} is not JSON serializable");
        }
    }

    private static string KeyText(object key) => key switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => PyText.FloatRepr(d),
        _ => throw new TemplateTypeError($"keys must be str, int, float, bool or None, not {PyOps.TypeName(key)}"),
    };

    private static void Separator(StringBuilder sb, string? indent, int level, bool first)
    {
        if (indent is null)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            return;
        }
        if (!first)
        {
            sb.Append(',');
        }
        sb.Append('\n');
        for (int i = 0; i < level; i++)
        {
            sb.Append(indent);
        }
    }

    private static void Close(StringBuilder sb, string? indent, int level)
    {
        if (indent is null)
        {
            return;
        }
        sb.Append('\n');
        for (int i = 0; i < level; i++)
        {
            sb.Append(indent);
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '<': sb.Append("\\u003c"); break;
                case '>': sb.Append("\\u003e"); break;
                case '&': sb.Append("\\u0026"); break;
                case '\'': sb.Append("\\u0027"); break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
