using System.Globalization;
using System.Text;

namespace Hearth.Inference.Templates.Jinja.Runtime;

internal delegate object? FilterFunction(Evaluator evaluator, object? value, CallArguments arguments);

/// <summary>The built-in filters, with Jinja2 3.1 semantics.</summary>
internal static partial class Filters
{
    private static readonly Dictionary<string, FilterFunction> s_filters = new(StringComparer.Ordinal)
    {
        ["abs"] = (_, v, _) => v switch
        {
            long l => (object)Math.Abs(l),
            double d => Math.Abs(d),
            bool b => b ? 1L : 0L,
            _ => throw new TemplateTypeError($"bad operand type for abs(): '{PyOps.TypeName(v)}'"),
        },
        ["attr"] = (_, v, a) => Evaluator.GetAttribute(v, Str(a.Get(0, "name"))),
        ["capitalize"] = (_, v, _) => Capitalize(PyText.Str(v)),
        ["center"] = (ev, v, a) =>
        {
            string s = PyText.Str(v);
            long width = a.Get(0, "width", 80L) is long w ? w : 80;
            ev.CheckLength(width);
            int pad = (int)width - PyText.Length(s);
            if (pad <= 0)
            {
                return s;
            }
            // Python's str.center puts the odd extra space on the right only when the pad and width are both odd.
            int left = (pad / 2) + (pad & (int)width & 1);
            return new string(' ', left) + s + new string(' ', pad - left);
        },
        ["count"] = (_, v, _) => (long)PyOps.Length(v),
        ["d"] = Default,
        ["default"] = Default,
        ["dictsort"] = DictSort,
        ["e"] = (_, v, _) => Escape(v),
        ["escape"] = (_, v, _) => Escape(v),
        ["forceescape"] = (_, v, _) => new Markup(Markup.Escape(PyText.Str(v))),
        ["first"] = (_, v, _) => First(v),
        ["float"] = (_, v, a) => ToFloat(v, a.Get(0, "default", 0.0)),
        ["format"] = (ev, v, a) => PercentFormat.Format(PyText.Str(v), a.Named.Length > 0 ? ToDict(a.Named) : new PyTuple(a.Positional), ev),
        ["indent"] = Indent,
        ["int"] = (_, v, a) => ToInt(v, a.Get(0, "default", 0L), a.Get(1, "base", 10L)),
        ["items"] = (_, v, _) => v switch
        {
            Undefined => new PyGenerator([]),
            PyDict d => new PyGenerator(d.Select(p => (object?)new PyTuple([p.Key, p.Value])).ToList()),
            _ => throw new TemplateTypeError("Can only get item pairs from a mapping."),
        },
        ["join"] = Join,
        ["last"] = (_, v, _) => Last(v),
        ["length"] = (_, v, _) => (long)PyOps.Length(v),
        ["list"] = (_, v, _) => new List<object?>(PyOps.Iterate(v)),
        ["lower"] = (_, v, _) => PyText.Str(v).ToLowerInvariant(),
        ["map"] = Map,
        ["max"] = (ev, v, a) => MinMax(ev, v, a, max: true),
        ["min"] = (ev, v, a) => MinMax(ev, v, a, max: false),
        ["reject"] = (ev, v, a) => Select(ev, v, a, byAttribute: false, keep: false),
        ["rejectattr"] = (ev, v, a) => Select(ev, v, a, byAttribute: true, keep: false),
        ["replace"] = (ev, v, a) => Methods.Replace(ev, PyText.Str(v), PyText.Str(a.Get(0, "old")), PyText.Str(a.Get(1, "new")), a.Get(2, "count") is long n ? (int)Math.Clamp(n, -1, int.MaxValue) : -1),
        ["reverse"] = (_, v, _) => v switch
        {
            string s => Reverse(s),
            // reversed(list) is an iterator in Python; anything else becomes a reversed list.
            List<object?> or PyTuple => new PyGenerator(Enumerable.Reverse(PyOps.Iterate(v)).ToList()),
            _ => Enumerable.Reverse(PyOps.Iterate(v)).ToList(),
        },
        ["round"] = Round,
        ["safe"] = (_, v, _) => new Markup(PyText.Str(v)),
        ["select"] = (ev, v, a) => Select(ev, v, a, byAttribute: false, keep: true),
        ["selectattr"] = (ev, v, a) => Select(ev, v, a, byAttribute: true, keep: true),
        ["sort"] = Sort,
        ["string"] = (_, v, _) => PyText.Str(v),
        ["sum"] = Sum,
        ["title"] = (_, v, _) => JinjaTitle(PyText.Str(v)),
        ["tojson"] = (ev, v, a) => new Markup(PyJson.ToJson(ev, v, a.Get(0, "indent") switch
        {
            null => null,
            long n => new string(' ', (int)Math.Clamp(n, 0, 64)),
            string s => s,
            var other => throw new TemplateTypeError($"indent must be an int or a string, not {PyOps.TypeName(other)}"),
        })),
        ["trim"] = (_, v, a) => PyText.Strip(PyText.Str(v), a.Get(0, "chars") as string),
        ["unique"] = Unique,
        ["upper"] = (_, v, _) => PyText.Str(v).ToUpperInvariant(),
        ["wordcount"] = (_, v, _) => (long)Methods.Split(PyText.Str(v), null, -1).Count,
    };

    public static bool TryGet(string name, out FilterFunction function) => s_filters.TryGetValue(name, out function!);

    public static IEnumerable<string> Names => s_filters.Keys;

    private static string Str(object? value) => value as string ?? throw new TemplateTypeError($"expected a string, got {PyOps.TypeName(value)}");

    private static PyDict ToDict(KeyValuePair<string, object?>[] named)
    {
        var dict = new PyDict();
        foreach (var pair in named)
        {
            dict[pair.Key] = pair.Value;
        }
        return dict;
    }

    private static object? Default(Evaluator ev, object? value, CallArguments args)
    {
        object? fallback = args.Get(0, "default_value", "");
        bool boolean = PyOps.IsTrue(args.Get(1, "boolean", false));
        return value is Undefined || (boolean && !PyOps.IsTrue(value)) ? fallback : value;
    }

    private static string Capitalize(string s)
    {
        if (s.Length == 0)
        {
            return s;
        }
        return char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
    }

    // Jinja2's title filter: words start after whitespace or one of - ( { [ <.
    private static string JinjaTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool wordStart = true;
        foreach (char c in s)
        {
            bool boundary = PyText.IsSpace(c) || c is '-' or '(' or '{' or '[' or '<';
            sb.Append(boundary ? c : wordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            wordStart = boundary;
        }
        return sb.ToString();
    }

    private static string Reverse(string s)
    {
        var points = PyText.CodePoints(s);
        points.Reverse();
        return string.Concat(points.Cast<string>());
    }

    // Already-safe values pass through; note the evaluator hands filters Markup unwrapped, so this escapes strings only.
    private static object Escape(object? value) => value is Markup m ? m : new Markup(Markup.Escape(PyText.Str(value)));

    private static object? First(object? value)
    {
        if (value is PyGenerator generator)
        {
            return generator.TryNext(out object? item) ? item : new Undefined("No first item, sequence was empty.");
        }
        var items = PyOps.Iterate(value);
        return items.Count > 0 ? items[0] : new Undefined("No first item, sequence was empty.");
    }

    private static object? Last(object? value)
    {
        if (value is PyGenerator)
        {
            throw new TemplateTypeError("'generator' object is not reversible");
        }
        var items = PyOps.Iterate(value);
        return items.Count > 0 ? items[^1] : new Undefined("No last item, sequence was empty.");
    }

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        double d => d,
        long l => (double)l,
        bool b => b ? 1.0 : 0.0,
        string s when double.TryParse(PyText.Strip(s, null).Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => fallback,
    };

    private static object? ToInt(object? value, object? fallback, object? numberBase)
    {
        switch (value)
        {
            case long l:
                return l;
            case bool b:
                return b ? 1L : 0L;
            case double d:
                return double.IsFinite(d) && Math.Abs(d) < 9.2e18 ? (long)Math.Truncate(d) : fallback;
            case string s:
                string text = PyText.Strip(s, null).Replace("_", "", StringComparison.Ordinal);
                int radix = numberBase is long r ? (int)r : 10;
                if (radix == 10 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
                {
                    return parsed;
                }
                if (radix is 2 or 8 or 16)
                {
                    try
                    {
                        return System.Convert.ToInt64(text, radix);
                    }
                    catch (FormatException)
                    {
                        return fallback;
                    }
                    catch (OverflowException)
                    {
                        return fallback;
                    }
                }
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && double.IsFinite(f) && Math.Abs(f) < 9.2e18
                    ? (long)Math.Truncate(f)
                    : fallback;
            default:
                return fallback;
        }
    }

    private static object? Indent(Evaluator ev, object? value, CallArguments args)
    {
        object? width = args.Get(0, "width", 4L);
        string indentation = width switch
        {
            string s => s,
            long n => new string(' ', (int)Math.Clamp(n, 0, 1024)),
            _ => throw new TemplateTypeError("indent width must be an int or a string"),
        };
        bool first = PyOps.IsTrue(args.Get(1, "first", false));
        bool blank = PyOps.IsTrue(args.Get(2, "blank", false));
        string text = PyText.Str(value) + "\n";
        var lines = Methods.Split(text.Replace("\r\n", "\n", StringComparison.Ordinal), "\n", -1);
        lines.RemoveAt(lines.Count - 1);
        ev.CheckLength(text.Length + ((long)indentation.Length * lines.Count));
        var sb = new StringBuilder();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = (string)lines[i]!;
            if (i > 0)
            {
                sb.Append('\n');
                if (blank || line.Length > 0)
                {
                    sb.Append(indentation);
                }
            }
            sb.Append(line);
        }
        return first ? indentation + sb : sb.ToString();
    }

    private static object? Join(Evaluator ev, object? value, CallArguments args)
    {
        string separator = PyText.Str(args.Get(0, "d", ""));
        object? attribute = args.Get(1, "attribute");
        var sb = new StringBuilder();
        bool first = true;
        foreach (object? item in PyOps.Iterate(value))
        {
            if (!first)
            {
                sb.Append(separator);
            }
            first = false;
            sb.Append(PyText.Str(attribute is null ? item : AttributePath(item, attribute)));
            ev.CheckLength(sb.Length);
        }
        return sb.ToString();
    }

    /// <summary>Jinja2's attribute lookup for filters: dotted paths, integer parts index sequences.</summary>
    internal static object? AttributePath(object? item, object attribute)
    {
        if (attribute is long index)
        {
            return Evaluator.GetItem(item, index);
        }
        foreach (string part in PyText.Str(attribute).Split('.'))
        {
            item = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? Evaluator.GetItem(item, n) : Evaluator.GetItem(item, part);
        }
        return item;
    }

    private static object? Map(Evaluator ev, object? value, CallArguments args) => new PyGenerator(MapItems(ev, value, args));

    private static List<object?> MapItems(Evaluator ev, object? value, CallArguments args)
    {
        var items = PyOps.IsTrue(value) ? PyOps.Iterate(value) : [];
        var result = new List<object?>(items.Count);
        object? attribute = args.Get(-1, "attribute");
        if (attribute is not null)
        {
            object? fallback = args.Get(-1, "default", null);
            bool hasDefault = args.Has(-1, "default");
            foreach (object? item in items)
            {
                object? mapped = AttributePath(item, attribute);
                result.Add(hasDefault && mapped is Undefined ? fallback : mapped);
            }
            return result;
        }
        if (args.Positional.Length == 0)
        {
            throw new TemplateTypeError("map requires a filter name or attribute=");
        }
        string name = Str(args.Positional[0]);
        if (!TryGet(name, out FilterFunction filter))
        {
            throw new TemplateTypeError($"No filter named '{name}'.");
        }
        var rest = new CallArguments(args.Positional[1..], args.Named);
        foreach (object? item in items)
        {
            result.Add(filter(ev, item, rest));
        }
        return result;
    }

    private static object? Select(Evaluator ev, object? value, CallArguments args, bool byAttribute, bool keep) =>
        new PyGenerator(SelectItems(ev, value, args, byAttribute, keep));

    private static List<object?> SelectItems(Evaluator ev, object? value, CallArguments args, bool byAttribute, bool keep)
    {
        var items = PyOps.IsTrue(value) ? PyOps.Iterate(value) : [];
        int offset = 0;
        object? attribute = null;
        if (byAttribute)
        {
            attribute = args.Get(0, "attribute") ?? throw new TemplateTypeError("selectattr/rejectattr need an attribute name");
            offset = 1;
        }
        TestFunction? test = null;
        CallArguments testArgs = CallArguments.None;
        if (args.Positional.Length > offset)
        {
            string testName = Str(args.Positional[offset]);
            if (!Tests.TryGet(testName, out TestFunction found))
            {
                throw new TemplateTypeError($"No test named '{testName}'.");
            }
            test = found;
            testArgs = new CallArguments(args.Positional[(offset + 1)..], []);
        }
        var result = new List<object?>();
        foreach (object? item in items)
        {
            object? subject = attribute is null ? item : AttributePath(item, attribute);
            bool passed = test is null ? PyOps.IsTrue(subject) : test(ev, subject, testArgs);
            if (passed == keep)
            {
                result.Add(item);
            }
        }
        return result;
    }

    private static object? Unique(Evaluator ev, object? value, CallArguments args)
    {
        bool caseSensitive = PyOps.IsTrue(args.Get(0, "case_sensitive", false));
        object? attribute = args.Get(1, "attribute");
        var seen = new HashSet<object>(PyKeyComparer.Instance);
        var result = new List<object?>();
        foreach (object? item in PyOps.Iterate(value))
        {
            object? key = attribute is null ? item : AttributePath(item, attribute);
            if (!caseSensitive && key is string s)
            {
                key = s.ToLowerInvariant();
            }
            if (seen.Add(key ?? PyTuple.Empty))
            {
                result.Add(item);
            }
        }
        return new PyGenerator(result);
    }

    private static object? Round(Evaluator ev, object? value, CallArguments args)
    {
        long precision = args.Get(0, "precision", 0L) is long p ? p : 0;
        string method = args.Get(1, "method", "common") as string ?? "common";
        double d = value switch
        {
            long l => l,
            double x => x,
            bool b => b ? 1 : 0,
            _ => throw new TemplateTypeError($"round needs a number, got {PyOps.TypeName(value)}"),
        };
        int digits = (int)Math.Clamp(precision, 0, 15);
        return method switch
        {
            "common" => PythonRound(d, digits),
            "ceil" => Math.Ceiling(d * Math.Pow(10, digits)) / Math.Pow(10, digits),
            "floor" => Math.Floor(d * Math.Pow(10, digits)) / Math.Pow(10, digits),
            _ => throw new TemplateTypeError("method must be 'common', 'ceil' or 'floor'"),
        };
    }

    /// <summary>
    /// Python's <c>round(x, n)</c>: half-to-even on the exact binary value, so <c>round(2.675, 2)</c> is 2.67
    /// (2.675 is stored as 2.67499999…), where <see cref="Math.Round(double, int, MidpointRounding)"/> gives 2.68.
    /// </summary>
    internal static double PythonRound(double d, int digits)
    {
        if (!double.IsFinite(d) || d == 0 || Math.Abs(d) >= 4503599627370496.0)
        {
            // Beyond 2^52 every double is a whole number already.
            return d;
        }
        // .NET prints doubles exactly to the requested precision; 40 extra digits expose any distance from a midpoint.
        string exact = Math.Abs(d).ToString("F" + (digits + 40), CultureInfo.InvariantCulture);
        int point = exact.IndexOf('.', StringComparison.Ordinal);
        string kept = exact[..(point + 1 + digits)].TrimEnd('.');
        string rest = exact[(point + 1 + digits)..];
        int compare = rest[0] > '5' ? 1 : rest[0] < '5' ? -1 : rest.AsSpan(1).TrimEnd('0').Length > 0 ? 1 : 0;
        decimal value = decimal.Parse(kept, CultureInfo.InvariantCulture);
        decimal unit = 1m / (decimal)Math.Pow(10, digits);
        bool lastEven = ((long)(value / unit)) % 2 == 0;
        if (compare > 0 || (compare == 0 && !lastEven))
        {
            value += unit;
        }
        double result = (double)value;
        return d < 0 ? -result : result;
    }

    private static object? Sort(Evaluator ev, object? value, CallArguments args)
    {
        bool reverse = PyOps.IsTrue(args.Get(0, "reverse", false));
        bool caseSensitive = PyOps.IsTrue(args.Get(1, "case_sensitive", false));
        object? attribute = args.Get(2, "attribute");
        var items = new List<object?>(PyOps.Iterate(value));
        object? Key(object? item)
        {
            object? key = attribute is null ? item : AttributePath(item, attribute);
            return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
        }
        var keyed = items.Select((item, index) => (Key: Key(item), Index: index, Item: item)).ToList();
        keyed.Sort((a, b) =>
        {
            int c = PyOps.Compare(a.Key, b.Key, "<");
            return c != 0 ? (reverse ? -c : c) : a.Index.CompareTo(b.Index);
        });
        return keyed.Select(k => k.Item).ToList();
    }

    private static object? DictSort(Evaluator ev, object? value, CallArguments args)
    {
        if (value is not PyDict dict)
        {
            throw new TemplateTypeError("dictsort needs a mapping");
        }
        bool caseSensitive = PyOps.IsTrue(args.Get(0, "case_sensitive", false));
        bool byValue = (args.Get(1, "by", "key") as string) == "value";
        bool reverse = PyOps.IsTrue(args.Get(2, "reverse", false));
        var pairs = dict.Select(p => (p.Key, p.Value)).ToList();
        object? Key((object Key, object? Value) p)
        {
            object? k = byValue ? p.Value : p.Key;
            return !caseSensitive && k is string s ? s.ToLowerInvariant() : k;
        }
        pairs.Sort((a, b) => (reverse ? -1 : 1) * PyOps.Compare(Key(a), Key(b), "<"));
        return pairs.Select(p => (object?)new PyTuple([p.Key, p.Value])).ToList();
    }

    private static object? Sum(Evaluator ev, object? value, CallArguments args)
    {
        object? attribute = args.Get(0, "attribute");
        object? total = args.Get(1, "start", 0L);
        foreach (object? item in PyOps.Iterate(value))
        {
            total = PyOps.Add(total, attribute is null ? item : AttributePath(item, attribute), ev);
        }
        return total;
    }

    private static object? MinMax(Evaluator ev, object? value, CallArguments args, bool max)
    {
        bool caseSensitive = PyOps.IsTrue(args.Get(0, "case_sensitive", false));
        object? attribute = args.Get(1, "attribute");
        object? best = null;
        object? bestKey = null;
        bool any = false;
        foreach (object? item in PyOps.Iterate(value))
        {
            object? key = attribute is null ? item : AttributePath(item, attribute);
            if (!caseSensitive && key is string s)
            {
                key = s.ToLowerInvariant();
            }
            if (!any || (max ? PyOps.Compare(key, bestKey, ">") > 0 : PyOps.Compare(key, bestKey, "<") < 0))
            {
                best = item;
                bestKey = key;
                any = true;
            }
        }
        return any ? best : new Undefined($"No aggregated item, sequence was empty.");
    }
}
