using System.Text;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>Python semantics for the value model: truth, equality, ordering, arithmetic, iteration, indexing.</summary>
internal static class PyOps
{
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        string => "str",
        bool => "bool",
        long => "int",
        double => "float",
        List<object?> => "list",
        PyTuple => "tuple",
        PyDict => "dict",
        Undefined => "Undefined",
        JinjaNamespace => "Namespace",
        LoopContext => "LoopContext",
        Markup => "Markup",
        PyGenerator => "generator",
        ICallable => "function",
        _ => value.GetType().Name,
    };

    public static object? Unwrap(object? value) => value is Markup m ? m.Value : value;

    public static bool IsTrue(object? value) => value switch
    {
        Markup m => m.Value.Length != 0,
        null => false,
        bool b => b,
        string s => s.Length != 0,
        long l => l != 0,
        double d => d != 0,
        Undefined => false,
        List<object?> list => list.Count != 0,
        PyDict dict => dict.Count != 0,
        PyTuple tuple => tuple.Count != 0,
        _ => true,
    };

    public static bool IsNumber(object? value) => value is long or double or bool;

    private static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new TemplateTypeError($"expected a number, got {TypeName(value)}"),
    };

    private static bool IsInteger(object? value) => value is long or bool;

    private static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new TemplateTypeError($"expected an integer, got {TypeName(value)}"),
    };

    public static bool AreEqual(object? a, object? b)
    {
        a = Unwrap(a);
        b = Unwrap(b);
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        switch (a)
        {
            case null:
                return b is null;
            case string sa:
                return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case long or double or bool when IsNumber(b):
                return IsInteger(a) && IsInteger(b) ? ToLong(a) == ToLong(b) : ToDouble(a) == ToDouble(b);
            case Undefined:
                return b is Undefined;
            case List<object?> la:
                return b is List<object?> lb && SequenceEqual(la, lb);
            case PyTuple ta:
                return b is PyTuple tb && SequenceEqual(ta.Items, tb.Items);
            case PyDict da:
                if (b is not PyDict db || da.Count != db.Count)
                {
                    return false;
                }
                foreach (var pair in da)
                {
                    if (!db.TryGetValue(pair.Key, out object? other) || !AreEqual(pair.Value, other))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return a.Equals(b);
        }
    }

    private static bool SequenceEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (int i = 0; i < a.Count; i++)
        {
            if (!AreEqual(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Python ordering (<c>&lt;</c> and friends); a TypeError for unorderable pairs.</summary>
    public static int Compare(object? a, object? b, string op)
    {
        a = Unwrap(a);
        b = Unwrap(b);
        if (IsNumber(a) && IsNumber(b))
        {
            if (IsInteger(a) && IsInteger(b))
            {
                return ToLong(a).CompareTo(ToLong(b));
            }
            double x = ToDouble(a);
            double y = ToDouble(b);
            return x < y ? -1 : x > y ? 1 : x == y ? 0 : throw new TemplateTypeError("comparison with NaN");
        }
        if (a is string sa && b is string sb)
        {
            return CompareCodePoints(sa, sb);
        }
        if ((a is List<object?> && b is List<object?>) || (a is PyTuple && b is PyTuple))
        {
            var la = (IReadOnlyList<object?>)a;
            var lb = (IReadOnlyList<object?>)b;
            for (int i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                if (!AreEqual(la[i], lb[i]))
                {
                    return Compare(la[i], lb[i], op);
                }
            }
            return la.Count.CompareTo(lb.Count);
        }
        if (a is Undefined ua)
        {
            throw new UndefinedValueException(ua.Hint);
        }
        if (b is Undefined ub)
        {
            throw new UndefinedValueException(ub.Hint);
        }
        throw new TemplateTypeError($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    private static int CompareCodePoints(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            char x = a[i];
            char y = b[i];
            if (x != y)
            {
                // UTF-16 order differs from code point order only when one side is a surrogate.
                bool xs = char.IsSurrogate(x);
                bool ys = char.IsSurrogate(y);
                if (xs != ys)
                {
                    return xs ? 1 : -1;
                }
                return x.CompareTo(y);
            }
        }
        return a.Length.CompareTo(b.Length);
    }

    public static bool Contains(object? container, object? item)
    {
        container = Unwrap(container);
        item = Unwrap(item);
        switch (container)
        {
            case PyGenerator generator:
                while (generator.TryNext(out object? next))
                {
                    if (AreEqual(next, item))
                    {
                        return true;
                    }
                }
                return false;
            case string s:
                return item is string needle
                    ? s.Contains(needle, StringComparison.Ordinal)
                    : throw new TemplateTypeError($"'in <string>' requires string as left operand, not {TypeName(item)}");
            case PyDict dict:
                return item is not null && item is not Undefined && dict.ContainsKey(item);
            case JinjaNamespace ns:
                return item is string name && ns.Attributes.ContainsKey(name);
            case Undefined:
                return false;
            case IReadOnlyList<object?> list:
                foreach (object? element in list)
                {
                    if (AreEqual(element, item))
                    {
                        return true;
                    }
                }
                return false;
            default:
                throw new TemplateTypeError($"argument of type '{TypeName(container)}' is not iterable");
        }
    }

    /// <summary>The items a <c>for</c> loop sees: list/tuple items, dict keys, string characters; undefined is empty.</summary>
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        List<object?> list => list,
        PyTuple tuple => tuple,
        PyDict dict => [.. dict.Keys],
        string s => PyText.CodePoints(s),
        Markup m => PyText.CodePoints(m.Value),
        PyGenerator generator => generator.Drain(),
        Undefined => [],
        _ => throw new TemplateTypeError($"'{TypeName(value)}' object is not iterable"),
    };

    public static bool IsIterable(object? value) => value is List<object?> or PyTuple or PyDict or string or Undefined or Markup or PyGenerator;

    public static int Length(object? value) => value switch
    {
        string s => PyText.Length(s),
        Markup m => PyText.Length(m.Value),
        List<object?> list => list.Count,
        PyTuple tuple => tuple.Count,
        PyDict dict => dict.Count,
        Undefined => 0,
        _ => throw new TemplateTypeError($"object of type '{TypeName(value)}' has no len()"),
    };

    public static object? Add(object? a, object? b, Evaluator ev)
    {
        ThrowIfUndefined(a, b);
        if ((a is Markup && b is string or Markup) || (b is Markup && a is string))
        {
            string joined = Markup.EscapeValue(a) + Markup.EscapeValue(b);
            ev.CheckLength(joined.Length);
            return new Markup(joined);
        }
        a = Unwrap(a);
        b = Unwrap(b);
        if (IsInteger(a) && IsInteger(b))
        {
            return Checked(() => checked(ToLong(a) + ToLong(b)));
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return ToDouble(a) + ToDouble(b);
        }
        if (a is string sa && b is string sb)
        {
            ev.CheckLength((long)sa.Length + sb.Length);
            return string.Concat(sa, sb);
        }
        if (a is List<object?> la && b is List<object?> lb)
        {
            ev.CheckLength((long)la.Count + lb.Count);
            var result = new List<object?>(la.Count + lb.Count);
            result.AddRange(la);
            result.AddRange(lb);
            return result;
        }
        if (a is PyTuple ta && b is PyTuple tb)
        {
            ev.CheckLength((long)ta.Count + tb.Count);
            return new PyTuple([.. ta.Items, .. tb.Items]);
        }
        throw Unsupported("+", a, b);
    }

    public static object? Subtract(object? a, object? b)
    {
        a = Unwrap(a);
        b = Unwrap(b);
        ThrowIfUndefined(a, b);
        if (IsInteger(a) && IsInteger(b))
        {
            return Checked(() => checked(ToLong(a) - ToLong(b)));
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return ToDouble(a) - ToDouble(b);
        }
        throw Unsupported("-", a, b);
    }

    public static object? Multiply(object? a, object? b, Evaluator ev)
    {
        a = Unwrap(a);
        b = Unwrap(b);
        ThrowIfUndefined(a, b);
        if (IsInteger(a) && IsInteger(b))
        {
            return Checked(() => checked(ToLong(a) * ToLong(b)));
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return ToDouble(a) * ToDouble(b);
        }
        if (IsInteger(b) && a is string or List<object?> or PyTuple)
        {
            return Repeat(a!, ToLong(b), ev);
        }
        if (IsInteger(a) && b is string or List<object?> or PyTuple)
        {
            return Repeat(b!, ToLong(a), ev);
        }
        throw Unsupported("*", a, b);
    }

    private static object Repeat(object sequence, long times, Evaluator ev)
    {
        times = Math.Max(0, times);
        switch (sequence)
        {
            case string s:
                ev.CheckLength(s.Length * times);
                var sb = new StringBuilder((int)(s.Length * times));
                for (long i = 0; i < times; i++)
                {
                    sb.Append(s);
                }
                return sb.ToString();
            case List<object?> list:
                ev.CheckLength(list.Count * times);
                var result = new List<object?>((int)(list.Count * times));
                for (long i = 0; i < times; i++)
                {
                    result.AddRange(list);
                }
                return result;
            default:
                var tuple = (PyTuple)sequence;
                ev.CheckLength(tuple.Count * times);
                var items = new List<object?>();
                for (long i = 0; i < times; i++)
                {
                    items.AddRange(tuple.Items);
                }
                return new PyTuple([.. items]);
        }
    }

    public static object? Divide(object? a, object? b)
    {
        a = Unwrap(a);
        b = Unwrap(b);
        ThrowIfUndefined(a, b);
        if (IsNumber(a) && IsNumber(b))
        {
            double divisor = ToDouble(b);
            return divisor == 0 ? throw new TemplateTypeError("division by zero") : ToDouble(a) / divisor;
        }
        throw Unsupported("/", a, b);
    }

    public static object? FloorDivide(object? a, object? b)
    {
        a = Unwrap(a);
        b = Unwrap(b);
        ThrowIfUndefined(a, b);
        if (IsInteger(a) && IsInteger(b))
        {
            long x = ToLong(a);
            long y = ToLong(b);
            if (y == 0)
            {
                throw new TemplateTypeError("integer division or modulo by zero");
            }
            long q = Checked(() => checked(x / y));
            return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q;
        }
        if (IsNumber(a) && IsNumber(b))
        {
            double divisor = ToDouble(b);
            return divisor == 0 ? throw new TemplateTypeError("float floor division by zero") : Math.Floor(ToDouble(a) / divisor);
        }
        throw Unsupported("//", a, b);
    }

    public static object? Modulo(object? a, object? b, Evaluator ev)
    {
        if (a is string format)
        {
            return PercentFormat.Format(format, b, ev);
        }
        if (a is Markup markup)
        {
            object? escaped = b switch
            {
                PyTuple t => new PyTuple([.. t.Items.Select(x => x is string s ? new Markup(Markup.Escape(s)) : x)]),
                string s => Markup.Escape(s),
                _ => b,
            };
            return new Markup(PercentFormat.Format(markup.Value, escaped, ev));
        }
        b = Unwrap(b);
        ThrowIfUndefined(a, b);
        if (IsInteger(a) && IsInteger(b))
        {
            long x = ToLong(a);
            long y = ToLong(b);
            if (y == 0)
            {
                throw new TemplateTypeError("integer division or modulo by zero");
            }
            long r = x % y;
            return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
        }
        if (IsNumber(a) && IsNumber(b))
        {
            double x = ToDouble(a);
            double y = ToDouble(b);
            if (y == 0)
            {
                throw new TemplateTypeError("float modulo");
            }
            double r = x % y;
            return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
        }
        throw Unsupported("%", a, b);
    }

    public static object? Power(object? a, object? b)
    {
        a = Unwrap(a);
        b = Unwrap(b);
        ThrowIfUndefined(a, b);
        if (IsInteger(a) && IsInteger(b) && ToLong(b) >= 0)
        {
            long x = ToLong(a);
            long y = ToLong(b);
            return Checked(() =>
            {
                long result = 1;
                long factor = x;
                while (y > 0)
                {
                    if ((y & 1) != 0)
                    {
                        result = checked(result * factor);
                    }
                    y >>= 1;
                    if (y > 0)
                    {
                        factor = checked(factor * factor);
                    }
                }
                return result;
            });
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return Math.Pow(ToDouble(a), ToDouble(b));
        }
        throw Unsupported("**", a, b);
    }

    public static object? Negate(object? a)
    {
        ThrowIfUndefined(a, null);
        return a switch
        {
            long l => (object)Checked(() => checked(-l)),
            bool b => b ? -1L : 0L,
            double d => -d,
            _ => throw new TemplateTypeError($"bad operand type for unary -: '{TypeName(a)}'"),
        };
    }

    public static object? Plus(object? a)
    {
        ThrowIfUndefined(a, null);
        return a switch
        {
            long or double => a,
            bool b => b ? 1L : 0L,
            _ => throw new TemplateTypeError($"bad operand type for unary +: '{TypeName(a)}'"),
        };
    }

    private static long Checked(Func<long> op)
    {
        try
        {
            return op();
        }
        catch (OverflowException)
        {
            throw new TemplateTypeError("integer overflow (values beyond 64-bit are not supported)");
        }
    }

    public static void ThrowIfUndefined(object? a, object? b)
    {
        if (a is Undefined ua)
        {
            throw new UndefinedValueException(ua.Hint);
        }
        if (b is Undefined ub)
        {
            throw new UndefinedValueException(ub.Hint);
        }
    }

    private static TemplateTypeError Unsupported(string op, object? a, object? b) =>
        new($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
}

/// <summary>Internal signal: an undefined value was used where a value is required (Jinja2's UndefinedError).</summary>
internal sealed class UndefinedValueException(string message) : Exception(message);
