using System.Globalization;
using System.Text;

namespace Hearth.Inference.Templates.Jinja;

/// <summary>Python string semantics over .NET strings: whitespace, code-point length and slicing, str() and repr().</summary>
internal static class PyText
{
    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    public static string Strip(string s, string? chars, bool left = true, bool right = true)
    {
        int start = 0;
        int end = s.Length;
        if (left)
        {
            while (start < end && Matches(s[start], chars))
            {
                start++;
            }
        }
        if (right)
        {
            while (end > start && Matches(s[end - 1], chars))
            {
                end--;
            }
        }
        return start == 0 && end == s.Length ? s : s[start..end];
    }

    private static bool Matches(char c, string? chars) => chars is null ? IsSpace(c) : chars.Contains(c, StringComparison.Ordinal);

    private static bool HasSurrogates(string s)
    {
        foreach (char c in s)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Length in code points, as Python's <c>len(str)</c>.</summary>
    public static int Length(string s)
    {
        if (!HasSurrogates(s))
        {
            return s.Length;
        }
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (!(char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])))
            {
                n++;
            }
            else
            {
                n++;
                i++;
            }
        }
        return n;
    }

    /// <summary>The string's code points as separate strings (iteration over a Python str).</summary>
    public static List<object?> CodePoints(string s)
    {
        var list = new List<object?>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                list.Add(s.Substring(i, 2));
                i++;
            }
            else
            {
                list.Add(s[i].ToString());
            }
        }
        return list;
    }

    public static string Str(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        Runtime.Undefined => "",
        Runtime.Markup m => m.Value,
        Runtime.PyGenerator => "<generator object>",
        _ => Repr(value),
    };

    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value, 0);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? value, int depth)
    {
        if (depth > 200)
        {
            throw new Runtime.TemplateTypeError("value nested too deeply to print");
        }
        switch (value)
        {
            case string s:
                AppendStringRepr(sb, s);
                break;
            case List<object?> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }
                    AppendRepr(sb, list[i], depth + 1);
                }
                sb.Append(']');
                break;
            case Runtime.PyTuple tuple:
                sb.Append('(');
                for (int i = 0; i < tuple.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }
                    AppendRepr(sb, tuple[i], depth + 1);
                }
                sb.Append(tuple.Count == 1 ? ",)" : ")");
                break;
            case Runtime.PyDict dict:
                sb.Append('{');
                bool first = true;
                foreach (var pair in dict)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }
                    first = false;
                    AppendRepr(sb, pair.Key, depth + 1);
                    sb.Append(": ");
                    AppendRepr(sb, pair.Value, depth + 1);
                }
                sb.Append('}');
                break;
            case Runtime.JinjaNamespace ns:
                sb.Append("<Namespace {");
                bool firstAttr = true;
                foreach (var pair in ns.Attributes)
                {
                    if (!firstAttr)
                    {
                        sb.Append(", ");
                    }
                    firstAttr = false;
                    AppendStringRepr(sb, pair.Key);
                    sb.Append(": ");
                    AppendRepr(sb, pair.Value, depth + 1);
                }
                sb.Append("}>");
                break;
            case Runtime.Undefined:
                sb.Append("Undefined");
                break;
            case Runtime.Markup markup:
                sb.Append("Markup(");
                AppendStringRepr(sb, markup.Value);
                sb.Append(')');
                break;
            case Runtime.ICallable callable:
                sb.Append("<function ").Append(callable.Name).Append('>');
                break;
            case Runtime.LoopContext:
                sb.Append("<LoopContext>");
                break;
            default:
                sb.Append(Str(value));
                break;
        }
    }

    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\r')
            {
                sb.Append("\\r");
            }
            else if (c == '\t')
            {
                sb.Append("\\t");
            }
            else if (c < ' ' || c == '\x7f')
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(c).Append(s[i + 1]);
                i++;
            }
            else if (c > '\x7f' && !IsPrintable(c))
            {
                sb.Append(c <= '\xff' ? "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        sb.Append(quote);
    }

    private static bool IsPrintable(char c)
    {
        var category = char.GetUnicodeCategory(c);
        return category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, scientific below 1e-4 and from 1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }
        var (negative, digits, pointPosition) = ShortestDigits(d);
        var sb = new StringBuilder(24);
        if (negative)
        {
            sb.Append('-');
        }
        if (pointPosition < -3 || pointPosition > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            int exponent = pointPosition - 1;
            sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (pointPosition <= 0)
        {
            sb.Append("0.").Append('0', -pointPosition).Append(digits);
        }
        else if (pointPosition >= digits.Length)
        {
            sb.Append(digits).Append('0', pointPosition - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
        }
        return sb.ToString();
    }

    /// <summary>Shortest round-trip decimal digits of <paramref name="d"/> and the position of the decimal point.</summary>
    public static (bool Negative, string Digits, int PointPosition) ShortestDigits(double d)
    {
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        bool negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }
        int exponent = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        int dot = r.IndexOf('.', StringComparison.Ordinal);
        int intLength = dot < 0 ? r.Length : dot;
        string all = dot < 0 ? r : r.Remove(dot, 1);
        int point = intLength + exponent;
        int lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0')
        {
            lead++;
            point--;
        }
        all = all[lead..].TrimEnd('0');
        if (all.Length == 0)
        {
            all = "0";
        }
        return (negative, all, point);
    }
}
