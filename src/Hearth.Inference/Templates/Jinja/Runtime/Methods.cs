using System.Text;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>The Python methods templates call on values: str, dict (read-only) and list (read-only).</summary>
internal static class Methods
{
    private static readonly HashSet<string> s_stringMethods =
    [
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "upper", "lower", "title",
        "capitalize", "swapcase", "replace", "format", "join", "find", "rfind", "count", "isdigit", "isalpha", "isalnum",
        "isspace", "islower", "isupper",
    ];

    private static readonly HashSet<string> s_dictMethods = ["items", "keys", "values", "get"];

    private static readonly HashSet<string> s_listMethods = ["index", "count"];

    public static bool IsStringMethod(string name) => s_stringMethods.Contains(name);

    public static bool IsDictMethod(string name) => s_dictMethods.Contains(name);

    public static bool IsListMethod(string name) => s_listMethods.Contains(name);

    // str methods that return Markup when called on Markup (their string arguments are escaped first).
    private static readonly HashSet<string> s_markupMethods =
        ["strip", "lstrip", "rstrip", "upper", "lower", "title", "capitalize", "swapcase", "replace", "format"];

    public static object? Call(Evaluator ev, object target, string name, CallArguments args) => target switch
    {
        Markup m when s_markupMethods.Contains(name) => Rewrap(CallString(ev, m.Value, name, name is "replace" or "format" ? EscapeArguments(args) : Unwrap(args))),
        Markup m => CallString(ev, m.Value, name, Unwrap(args)),
        string s => CallString(ev, s, name, Unwrap(args)),
        PyDict d => CallDict(d, name, args),
        List<object?> l => CallList(l, name, args),
        _ => throw new TemplateTypeError($"'{PyOps.TypeName(target)}' object has no method '{name}'"),
    };

    private static object? Rewrap(object? result) => result is string s ? new Markup(s) : result;

    private static CallArguments Unwrap(CallArguments args) => args.Count == 0
        ? args
        : new CallArguments(
            Array.ConvertAll(args.Positional, PyOps.Unwrap),
            Array.ConvertAll(args.Named, p => new KeyValuePair<string, object?>(p.Key, PyOps.Unwrap(p.Value))));

    private static object? EscapeOne(object? value) => value switch
    {
        Markup m => m.Value,
        string s => Markup.Escape(s),
        _ => value,
    };

    private static CallArguments EscapeArguments(CallArguments args) => new(
        Array.ConvertAll(args.Positional, EscapeOne),
        Array.ConvertAll(args.Named, p => new KeyValuePair<string, object?>(p.Key, EscapeOne(p.Value))));

    private static string? OptionalString(object? value, string method) => value switch
    {
        null or Undefined => null,
        string s => s,
        _ => throw new TemplateTypeError($"{method} arg must be None or str"),
    };

    private static object? CallString(Evaluator ev, string s, string name, CallArguments args)
    {
        switch (name)
        {
            case "strip":
                return PyText.Strip(s, OptionalString(args.Get(0, "chars"), name));
            case "lstrip":
                return PyText.Strip(s, OptionalString(args.Get(0, "chars"), name), right: false);
            case "rstrip":
                return PyText.Strip(s, OptionalString(args.Get(0, "chars"), name), left: false);
            case "split":
                return Split(s, OptionalString(args.Get(0, "sep"), name), ToInt(args.Get(1, "maxsplit", -1L)));
            case "rsplit":
                return RightSplit(s, OptionalString(args.Get(0, "sep"), name), ToInt(args.Get(1, "maxsplit", -1L)));
            case "splitlines":
                return SplitLines(s, PyOps.IsTrue(args.Get(0, "keepends", false)));
            case "startswith":
                return Affix(s, args.Get(0, "prefix"), (x, p) => x.StartsWith(p, StringComparison.Ordinal));
            case "endswith":
                return Affix(s, args.Get(0, "suffix"), (x, p) => x.EndsWith(p, StringComparison.Ordinal));
            case "upper":
                return s.ToUpperInvariant();
            case "lower":
                return s.ToLowerInvariant();
            case "swapcase":
                return string.Create(s.Length, s, (span, src) =>
                {
                    for (int i = 0; i < src.Length; i++)
                    {
                        char c = src[i];
                        span[i] = char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c);
                    }
                });
            case "title":
                return Title(s);
            case "capitalize":
                return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
            case "replace":
                return Replace(ev, s, RequireString(args.Get(0, "old"), name), RequireString(args.Get(1, "new"), name), ToInt(args.Get(2, "count", -1L)));
            case "format":
                return StrFormat.Format(ev, s, args);
            case "join":
                {
                    var sb = new StringBuilder();
                    bool first = true;
                    foreach (object? item in PyOps.Iterate(args.Get(0, "iterable")))
                    {
                        if (!first)
                        {
                            sb.Append(s);
                        }
                        first = false;
                        sb.Append(item as string ?? throw new TemplateTypeError($"sequence item: expected str instance, {PyOps.TypeName(item)} found"));
                        ev.CheckLength(sb.Length);
                    }
                    return sb.ToString();
                }
            case "find":
                return (long)IndexInCodePoints(s, s.IndexOf(RequireString(args.Get(0, "sub"), name), StringComparison.Ordinal));
            case "rfind":
                return (long)IndexInCodePoints(s, s.LastIndexOf(RequireString(args.Get(0, "sub"), name), StringComparison.Ordinal));
            case "count":
                {
                    string sub = RequireString(args.Get(0, "sub"), name);
                    if (sub.Length == 0)
                    {
                        return (long)PyText.Length(s) + 1;
                    }
                    long n = 0;
                    for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
                    {
                        n++;
                    }
                    return n;
                }
            case "isdigit":
                return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha":
                return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum":
                return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace":
                return s.Length > 0 && s.All(PyText.IsSpace);
            case "islower":
                return s.Any(char.IsLetter) && !s.Any(char.IsUpper);
            case "isupper":
                return s.Any(char.IsLetter) && !s.Any(char.IsLower);
            default:
                throw new TemplateTypeError($"'str' object has no method '{name}'");
        }
    }

    private static int IndexInCodePoints(string s, int utf16Index) =>
        utf16Index <= 0 ? utf16Index : PyText.Length(s[..utf16Index]);

    private static object? CallDict(PyDict d, string name, CallArguments args)
    {
        switch (name)
        {
            case "items":
                {
                    var list = new List<object?>(d.Count);
                    foreach (var pair in d)
                    {
                        list.Add(new PyTuple([pair.Key, pair.Value]));
                    }
                    return list;
                }
            case "keys":
                return new List<object?>(d.Keys);
            case "values":
                return new List<object?>(d.Values);
            default:
                {
                    object? key = args.Get(0, "key");
                    object? fallback = args.Get(1, "default");
                    return key is not null and not Undefined and not List<object?> and not PyDict && d.TryGetValue(key, out object? value) ? value : fallback;
                }
        }
    }

    private static object? CallList(List<object?> list, string name, CallArguments args)
    {
        object? item = args.Get(0, "value");
        if (name == "count")
        {
            return (long)list.Count(x => PyOps.AreEqual(x, item));
        }
        int index = list.FindIndex(x => PyOps.AreEqual(x, item));
        return index >= 0 ? (long)index : throw new TemplateTypeError($"{PyText.Repr(item)} is not in list");
    }

    private static string RequireString(object? value, string method) =>
        value as string ?? throw new TemplateTypeError($"{method}() argument must be str, not {PyOps.TypeName(value)}");

    private static int ToInt(object? value) => value switch
    {
        long l => (int)Math.Clamp(l, int.MinValue, int.MaxValue),
        bool b => b ? 1 : 0,
        null => -1,
        _ => throw new TemplateTypeError($"an integer is required, not {PyOps.TypeName(value)}"),
    };

    private static bool Affix(string s, object? affix, Func<string, string, bool> test) => affix switch
    {
        string a => test(s, a),
        PyTuple t => t.Items.Any(x => x is string a && test(s, a)),
        _ => throw new TemplateTypeError($"startswith/endswith first arg must be str or a tuple of str, not {PyOps.TypeName(affix)}"),
    };

    public static string Replace(Evaluator ev, string s, string old, string replacement, int count)
    {
        if (old.Length == 0)
        {
            // Python inserts the replacement between every character (and at both ends).
            var points = PyText.CodePoints(s);
            int limit = count < 0 ? points.Count + 1 : Math.Min(count, points.Count + 1);
            ev.CheckLength(s.Length + ((long)replacement.Length * limit));
            var sb = new StringBuilder();
            for (int i = 0; i <= points.Count; i++)
            {
                if (i < limit)
                {
                    sb.Append(replacement);
                }
                if (i < points.Count)
                {
                    sb.Append((string)points[i]!);
                }
            }
            return sb.ToString();
        }
        long occurrences = 0;
        for (int i = s.IndexOf(old, StringComparison.Ordinal); i >= 0 && (count < 0 || occurrences < count); i = s.IndexOf(old, i + old.Length, StringComparison.Ordinal))
        {
            occurrences++;
        }
        ev.CheckLength(s.Length + (occurrences * (replacement.Length - old.Length)));
        if (count < 0)
        {
            return s.Replace(old, replacement, StringComparison.Ordinal);
        }
        var result = new StringBuilder();
        int pos = 0;
        for (int done = 0; done < count; done++)
        {
            int at = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            result.Append(s, pos, at - pos).Append(replacement);
            pos = at + old.Length;
        }
        return result.Append(s, pos, s.Length - pos).ToString();
    }

    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            bool cased = char.IsUpper(c) || char.IsLower(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.TitlecaseLetter;
            sb.Append(cased ? (previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c);
            previousCased = cased;
        }
        return sb.ToString();
    }

    public static List<object?> Split(string s, string? separator, int maxSplit)
    {
        var result = new List<object?>();
        if (separator is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && PyText.IsSpace(s[i]))
                {
                    i++;
                }
                if (i >= s.Length)
                {
                    break;
                }
                if (maxSplit >= 0 && result.Count == maxSplit)
                {
                    result.Add(PyText.Strip(s[i..], null, left: false));
                    break;
                }
                int start = i;
                while (i < s.Length && !PyText.IsSpace(s[i]))
                {
                    i++;
                }
                result.Add(s[start..i]);
            }
            return result;
        }
        if (separator.Length == 0)
        {
            throw new TemplateTypeError("empty separator");
        }
        int pos = 0;
        while (maxSplit < 0 || result.Count < maxSplit)
        {
            int at = s.IndexOf(separator, pos, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            result.Add(s[pos..at]);
            pos = at + separator.Length;
        }
        result.Add(s[pos..]);
        return result;
    }

    private static List<object?> RightSplit(string s, string? separator, int maxSplit)
    {
        if (maxSplit < 0)
        {
            return Split(s, separator, -1);
        }
        if (separator is null)
        {
            var words = Split(s, null, -1);
            if (words.Count <= maxSplit + 1)
            {
                return words;
            }
            // Keep the head as written (up to its trailing whitespace), like Python's rsplit.
            var tail = words.GetRange(words.Count - maxSplit, maxSplit);
            int end = s.Length;
            for (int k = 0; k < maxSplit; k++)
            {
                end = PyText.Strip(s[..end], null, left: false).Length;
                while (end > 0 && !PyText.IsSpace(s[end - 1]))
                {
                    end--;
                }
            }
            var head = PyText.Strip(s[..end], null);
            var result = new List<object?> { head };
            result.AddRange(tail);
            return result;
        }
        if (separator.Length == 0)
        {
            throw new TemplateTypeError("empty separator");
        }
        var parts = new List<object?>();
        int stop = s.Length;
        while (parts.Count < maxSplit)
        {
            int at = stop == 0 ? -1 : s.LastIndexOf(separator, stop - 1, StringComparison.Ordinal);
            if (at < 0 || at + separator.Length > stop)
            {
                break;
            }
            parts.Insert(0, s[(at + separator.Length)..stop]);
            stop = at;
        }
        parts.Insert(0, s[..stop]);
        return parts;
    }

    private static List<object?> SplitLines(string s, bool keepEnds)
    {
        var result = new List<object?>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                int end = i;
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                {
                    i++;
                }
                result.Add(keepEnds ? s[start..(i + 1)] : s[start..end]);
                start = i + 1;
            }
        }
        if (start < s.Length)
        {
            result.Add(s[start..]);
        }
        return result;
    }
}
