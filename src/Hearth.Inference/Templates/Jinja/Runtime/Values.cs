using System.Collections;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>
/// Jinja2's default <c>Undefined</c>: prints as an empty string, iterates as empty, is false, has length 0;
/// any other use (attribute, item, arithmetic, call) raises an error naming what was missing.
/// </summary>
internal sealed class Undefined(string hint)
{
    public string Hint { get; } = hint;

    public static Undefined ForName(string name) => new($"'{name}' is undefined");

    public override string ToString() => "";
}

/// <summary>An immutable Python tuple.</summary>
internal sealed class PyTuple(object?[] items) : IReadOnlyList<object?>
{
    public static PyTuple Empty { get; } = new([]);

    public object?[] Items { get; } = items;

    public int Count => Items.Length;

    public object? this[int index] => Items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();
}

/// <summary>A Python dict: insertion-ordered, keys compared with Python equality (<c>1 == 1.0 == True</c>).</summary>
internal sealed class PyDict : OrderedDictionary<object, object?>
{
    public PyDict()
        : base(PyKeyComparer.Instance)
    {
    }

    public PyDict(int capacity)
        : base(capacity, PyKeyComparer.Instance)
    {
    }
}

/// <summary>The object made by <c>namespace(...)</c>: attributes assignable with <c>{% set ns.attr = value %}</c>.</summary>
internal sealed class JinjaNamespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>Python-style hashing and equality for dict keys.</summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static PyKeyComparer Instance { get; } = new();

    public new bool Equals(object? x, object? y) => PyOps.AreEqual(x, y);

    public int GetHashCode(object obj) => obj switch
    {
        string s => string.GetHashCode(s, StringComparison.Ordinal),
        Markup m => string.GetHashCode(m.Value, StringComparison.Ordinal),
        bool b => b ? 1 : 0,
        long l => l.GetHashCode(),
        double d => d == Math.Floor(d) && Math.Abs(d) < 9.2e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        PyTuple t => HashTuple(t),
        List<object?> => throw new TemplateTypeError("unhashable type: 'list'"),
        PyDict => throw new TemplateTypeError("unhashable type: 'dict'"),
        _ => obj.GetHashCode(),
    };

    private int HashTuple(PyTuple t)
    {
        var hash = default(HashCode);
        foreach (object? item in t.Items)
        {
            hash.Add(item is null ? 0 : GetHashCode(item));
        }
        return hash.ToHashCode();
    }
}

/// <summary>Internal signal for a Python TypeError/ValueError; the evaluator adds the template location.</summary>
internal sealed class TemplateTypeError(string message) : Exception(message);

/// <summary>A callable value: macro, builtin function, bound method.</summary>
internal interface ICallable
{
    string Name { get; }

    object? Invoke(Evaluator evaluator, CallArguments arguments);
}

/// <summary>A global function such as <c>range</c> or <c>raise_exception</c>.</summary>
internal sealed class BuiltinFunction(string name, Func<Evaluator, CallArguments, object?> body) : ICallable
{
    public string Name { get; } = name;

    public object? Invoke(Evaluator evaluator, CallArguments arguments) => body(evaluator, arguments);
}

/// <summary>A method looked up on a value (<c>'abc'.upper</c>, <c>d.items</c>); called later.</summary>
internal sealed class BoundMethod(object target, string name) : ICallable
{
    public object Target { get; } = target;

    public string Name { get; } = name;

    public object? Invoke(Evaluator evaluator, CallArguments arguments) => Methods.Call(evaluator, Target, Name, arguments);
}

/// <summary>Evaluated call arguments.</summary>
internal readonly struct CallArguments(object?[] positional, KeyValuePair<string, object?>[] named)
{
    public static CallArguments None { get; } = new([], []);

    public object?[] Positional { get; } = positional ?? [];

    public KeyValuePair<string, object?>[] Named { get; } = named ?? [];

    public int Count => Positional.Length + Named.Length;

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (index >= 0 && index < Positional.Length)
        {
            return Positional[index];
        }
        foreach (var pair in Named)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }
        return fallback;
    }

    public bool Has(int index, string name)
    {
        if (index >= 0 && index < Positional.Length)
        {
            return true;
        }
        foreach (var pair in Named)
        {
            if (pair.Key == name)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// Jinja2's <c>Markup</c> (a str subclass marked HTML-safe): made by <c>tojson</c>, <c>safe</c>, <c>escape</c>. Rendering
/// prints it as is, but <c>+</c> and <c>%</c> with a plain string HTML-escape that string — a Jinja2 quirk that shows up in
/// real templates (for example <c>'"' + key + '": ' + value|tojson</c>).
/// </summary>
internal sealed class Markup(string value)
{
    public string Value { get; } = value;

    public override string ToString() => Value;

    /// <summary>markupsafe's escape: &amp; &lt; &gt; ' " become entities.</summary>
    public static string Escape(string s) =>
        s.AsSpan().IndexOfAny("&<>'\"") < 0
            ? s
            : s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                .Replace(">", "&gt;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal)
                .Replace("\"", "&#34;", StringComparison.Ordinal);

    /// <summary>The text of <paramref name="value"/> for joining with Markup: Markup as is, anything else escaped.</summary>
    public static string EscapeValue(object? value) => value is Markup m ? m.Value : Escape(PyText.Str(value));
}

/// <summary>
/// A single-pass Python generator, as Jinja2's <c>map</c>, <c>select</c>, <c>reject</c>, <c>selectattr</c>,
/// <c>rejectattr</c>, <c>unique</c> and <c>items</c> filters return: iterable once, always true, no <c>len()</c>,
/// not JSON serializable, not subscriptable.
/// </summary>
internal sealed class PyGenerator(List<object?> items)
{
    private int _position;

    /// <summary>The items not yet consumed; consumes them.</summary>
    public List<object?> Drain()
    {
        var rest = _position == 0 ? items : items.GetRange(_position, items.Count - _position);
        _position = items.Count;
        return rest;
    }

    /// <summary>Consumes and returns the next item, or false when exhausted.</summary>
    public bool TryNext(out object? item)
    {
        if (_position < items.Count)
        {
            item = items[_position++];
            return true;
        }
        item = null;
        return false;
    }
}
