using System.Globalization;
using System.Text;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>
/// Python's <c>str.format</c> (fields <c>{}</c>, <c>{0}</c>, <c>{name}</c>, <c>{name.attr}</c>, <c>{{</c>/<c>}}</c>, conversions
/// <c>!s</c>/<c>!r</c>) and printf-style <c>%</c> formatting (<c>%s %r %d %i %f %e %x %o %%</c> with flags, width, precision).
/// </summary>
internal static class StrFormat
{
    public static string Format(Evaluator ev, string format, CallArguments args)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c == '{')
            {
                if (i + 1 < format.Length && format[i + 1] == '{')
                {
                    sb.Append('{');
                    i++;
                    continue;
                }
                int close = format.IndexOf('}', i + 1);
                if (close < 0)
                {
                    throw new TemplateTypeError("Single '{' encountered in format string");
                }
                string field = format[(i + 1)..close];
                string? conversion = null;
                string spec = "";
                int colon = field.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    spec = field[(colon + 1)..];
                    field = field[..colon];
                }
                int bang = field.IndexOf('!', StringComparison.Ordinal);
                if (bang >= 0)
                {
                    conversion = field[(bang + 1)..];
                    field = field[..bang];
                }
                string head = field.Split('.', '[')[0];
                object? value;
                if (head.Length == 0)
                {
                    if (!args.Has(auto, "\0"))
                    {
                        throw new TemplateTypeError("Replacement index out of range for positional args");
                    }
                    value = args.Get(auto++, "\0");
                }
                else if (int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out int position))
                {
                    value = args.Get(position, "\0");
                }
                else
                {
                    value = args.Get(-1, head, new Undefined($"'{head}' is not a format argument"));
                }
                foreach (string attribute in field.Length > head.Length ? field[(head.Length + 1)..].Split('.') : [])
                {
                    value = Evaluator.GetAttribute(value, attribute);
                }
                string text = conversion == "r" ? PyText.Repr(value) : PyText.Str(value);
                sb.Append(ApplySpec(text, spec, value));
                ev.CheckLength(sb.Length);
                i = close;
            }
            else if (c == '}')
            {
                if (i + 1 < format.Length && format[i + 1] == '}')
                {
                    i++;
                }
                sb.Append('}');
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    // Supports fill/align/width ("<", ">", "^") and ".Nf" for numbers; enough for prompt templates.
    private static string ApplySpec(string text, string spec, object? value)
    {
        if (spec.Length == 0)
        {
            return text;
        }
        int i = 0;
        char fill = ' ';
        char align = value is long or double ? '>' : '<';
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '^')
        {
            fill = spec[0];
            align = spec[1];
            i = 2;
        }
        else if (spec[0] is '<' or '>' or '^')
        {
            align = spec[0];
            i = 1;
        }
        int start = i;
        while (i < spec.Length && char.IsAsciiDigit(spec[i]))
        {
            i++;
        }
        int width = i > start ? int.Parse(spec.AsSpan(start, i - start), CultureInfo.InvariantCulture) : 0;
        if (i < spec.Length && spec[i] == '.')
        {
            int p = ++i;
            while (i < spec.Length && char.IsAsciiDigit(spec[i]))
            {
                i++;
            }
            int precision = int.Parse(spec.AsSpan(p, i - p), CultureInfo.InvariantCulture);
            if (i < spec.Length && spec[i] == 'f' && value is long or double)
            {
                text = Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("F" + precision, CultureInfo.InvariantCulture);
                i++;
            }
            else
            {
                text = text[..Math.Min(precision, text.Length)];
            }
        }
        if (i != spec.Length)
        {
            throw new TemplateTypeError($"unsupported format spec '{spec}'");
        }
        if (width > 100_000)
        {
            throw new TemplateTypeError("format width too large");
        }
        int pad = width - PyText.Length(text);
        if (pad <= 0)
        {
            return text;
        }
        return align switch
        {
            '>' => new string(fill, pad) + text,
            '^' => new string(fill, pad / 2) + text + new string(fill, pad - (pad / 2)),
            _ => text + new string(fill, pad),
        };
    }
}

/// <summary>printf-style <c>"fmt" % args</c>.</summary>
internal static class PercentFormat
{
    public static string Format(string format, object? args, Evaluator ev)
    {
        object?[] positional = args is PyTuple t ? t.Items : [args];
        var mapping = args as PyDict;
        int next = 0;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }
            if (++i >= format.Length)
            {
                throw new TemplateTypeError("incomplete format");
            }
            object? value = null;
            bool haveValue = false;
            if (format[i] == '(')
            {
                int close = format.IndexOf(')', i);
                if (close < 0 || mapping is null)
                {
                    throw new TemplateTypeError("format requires a mapping");
                }
                string key = format[(i + 1)..close];
                value = mapping.TryGetValue(key, out object? v) ? v : throw new TemplateTypeError($"KeyError: '{key}'");
                haveValue = true;
                i = close + 1;
            }
            string flags = "";
            while (i < format.Length && format[i] is '-' or '+' or ' ' or '0' or '#')
            {
                flags += format[i++];
            }
            int width = ReadNumber(format, ref i);
            int precision = -1;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i);
            }
            if (i >= format.Length)
            {
                throw new TemplateTypeError("incomplete format");
            }
            char conversion = format[i];
            if (conversion == '%')
            {
                sb.Append('%');
                continue;
            }
            if (!haveValue)
            {
                if (next >= positional.Length)
                {
                    throw new TemplateTypeError("not enough arguments for format string");
                }
                value = positional[next++];
            }
            if (width > 100_000 || precision > 1000)
            {
                throw new TemplateTypeError("format width or precision too large");
            }
            sb.Append(Pad(Convert(conversion, value, precision, flags), width, flags));
            ev.CheckLength(sb.Length);
        }
        if (mapping is null && next < positional.Length)
        {
            throw new TemplateTypeError("not all arguments converted during string formatting");
        }
        return sb.ToString();
    }

    private static int ReadNumber(string format, ref int i)
    {
        int start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            i++;
        }
        return i > start && int.TryParse(format.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : (i > start ? int.MaxValue : 0);
    }

    private static string Convert(char conversion, object? value, int precision, string flags)
    {
        string sign = flags.Contains('+', StringComparison.Ordinal) ? "+" : flags.Contains(' ', StringComparison.Ordinal) ? " " : "";
        switch (conversion)
        {
            case 's':
                {
                    string s = PyText.Str(value);
                    return precision >= 0 && precision < s.Length ? s[..precision] : s;
                }
            case 'r':
                return PyText.Repr(value);
            case 'd' or 'i' or 'u':
                {
                    long n = value switch
                    {
                        long l => l,
                        bool b => b ? 1 : 0,
                        double d => (long)Math.Truncate(d),
                        _ => throw new TemplateTypeError($"%{conversion} format: a real number is required, not {PyOps.TypeName(value)}"),
                    };
                    return (n >= 0 ? sign : "") + n.ToString(CultureInfo.InvariantCulture);
                }
            case 'f' or 'F' or 'e' or 'E' or 'g' or 'G':
                {
                    double d = value switch
                    {
                        long l => l,
                        bool b => b ? 1 : 0,
                        double x => x,
                        _ => throw new TemplateTypeError($"must be real number, not {PyOps.TypeName(value)}"),
                    };
                    int p = precision < 0 ? 6 : precision;
                    string body = conversion switch
                    {
                        'f' or 'F' => d.ToString("F" + p, CultureInfo.InvariantCulture),
                        'e' or 'E' => FormatExponent(d, p, conversion),
                        _ => d.ToString("G" + Math.Max(p, 1), CultureInfo.InvariantCulture),
                    };
                    return (d >= 0 ? sign : "") + body;
                }
            case 'x' or 'X' or 'o':
                {
                    long n = value is long l ? l : value is bool b ? (b ? 1 : 0) : throw new TemplateTypeError($"%{conversion} format: an integer is required");
                    string digits = conversion == 'o' ? System.Convert.ToString(Math.Abs(n), 8) : Math.Abs(n).ToString(conversion == 'x' ? "x" : "X", CultureInfo.InvariantCulture);
                    return (n < 0 ? "-" : sign) + digits;
                }
            case 'c':
                return value is string c ? c : value is long code ? char.ConvertFromUtf32((int)code) : throw new TemplateTypeError("%c requires int or char");
            default:
                throw new TemplateTypeError($"unsupported format character '{conversion}'");
        }
    }

    private static string FormatExponent(double d, int precision, char conversion)
    {
        string s = d.ToString((conversion == 'e' ? "e" : "E") + precision, CultureInfo.InvariantCulture);
        // .NET writes three exponent digits ("1.0e+005"); Python writes at least two.
        int e = s.IndexOfAny(['e', 'E']);
        string mantissa = s[..(e + 2)];
        string exponent = s[(e + 2)..].TrimStart('0');
        return mantissa + exponent.PadLeft(2, '0');
    }

    private static string Pad(string text, int width, string flags)
    {
        if (text.Length >= width)
        {
            return text;
        }
        if (flags.Contains('-', StringComparison.Ordinal))
        {
            return text.PadRight(width);
        }
        if (flags.Contains('0', StringComparison.Ordinal) && text.Length > 0 && (char.IsAsciiDigit(text[^1]) || text[^1] == '.'))
        {
            bool signed = text[0] is '-' or '+' or ' ';
            return signed ? text[0] + text[1..].PadLeft(width - 1, '0') : text.PadLeft(width, '0');
        }
        return text.PadLeft(width);
    }
}
