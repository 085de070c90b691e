namespace Hearth.Inference.Templates.Jinja.Runtime;

internal delegate bool TestFunction(Evaluator evaluator, object? value, CallArguments arguments);

/// <summary>The built-in tests (<c>x is defined</c>, <c>x is string</c>, ...), with Jinja2 3.1 semantics.</summary>
internal static class Tests
{
    private static readonly Dictionary<string, TestFunction> s_tests = new(StringComparer.Ordinal)
    {
        ["boolean"] = (_, v, _) => v is bool,
        ["callable"] = (_, v, _) => v is ICallable,
        ["defined"] = (_, v, _) => v is not Undefined,
        ["divisibleby"] = (ev, v, a) => PyOps.AreEqual(PyOps.Modulo(v, a.Get(0, "num"), ev), 0L),
        ["eq"] = Equal,
        ["equalto"] = Equal,
        ["=="] = Equal,
        ["escaped"] = (_, _, _) => false,
        ["even"] = (_, v, _) => v is long l ? l % 2 == 0 : throw new TemplateTypeError("'even' needs an integer"),
        ["false"] = (_, v, _) => v is false,
        ["filter"] = (_, v, _) => v is string name && Filters.TryGet(name, out _),
        ["float"] = (_, v, _) => v is double,
        ["ge"] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), ">=") >= 0,
        [">="] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), ">=") >= 0,
        ["gt"] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), ">") > 0,
        [">"] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), ">") > 0,
        ["greaterthan"] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), ">") > 0,
        ["in"] = (_, v, a) => PyOps.Contains(a.Get(0, "seq"), v),
        ["integer"] = (_, v, _) => v is long,
        ["iterable"] = (_, v, _) => PyOps.IsIterable(v),
        ["le"] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), "<=") <= 0,
        ["<="] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), "<=") <= 0,
        ["lower"] = (_, v, _) => v is string s && s.Any(char.IsLetter) && !s.Any(char.IsUpper),
        ["lt"] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), "<") < 0,
        ["<"] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), "<") < 0,
        ["lessthan"] = (_, v, a) => PyOps.Compare(v, a.Get(0, "other"), "<") < 0,
        ["mapping"] = (_, v, _) => v is PyDict,
        ["ne"] = (_, v, a) => !PyOps.AreEqual(v, a.Get(0, "other")),
        ["!="] = (_, v, a) => !PyOps.AreEqual(v, a.Get(0, "other")),
        ["none"] = (_, v, _) => v is null,
        ["number"] = (_, v, _) => v is long or double or bool,
        ["odd"] = (_, v, _) => v is long l ? l % 2 != 0 : throw new TemplateTypeError("'odd' needs an integer"),
        ["sameas"] = (_, v, a) => SameAs(v, a.Get(0, "other")),
        ["sequence"] = (_, v, _) => v is string or List<object?> or PyTuple or PyDict or Undefined,
        ["string"] = (_, v, _) => v is string,
        ["test"] = (_, v, _) => v is string name && TryGet(name, out _),
        ["true"] = (_, v, _) => v is true,
        ["undefined"] = (_, v, _) => v is Undefined,
        ["upper"] = (_, v, _) => v is string s && s.Any(char.IsLetter) && !s.Any(char.IsLower),
    };


    public static bool TryGet(string name, out TestFunction function) => s_tests.TryGetValue(name, out function!);

    private static bool Equal(Evaluator ev, object? value, CallArguments args) => PyOps.AreEqual(value, args.Get(0, "other"));

    // Python "is": identity for None/bools/small ints, and object identity otherwise.
    private static bool SameAs(object? a, object? b) => a switch
    {
        null => b is null,
        bool x => b is bool y && x == y,
        long x => b is long y && x == y,
        string x => b is string y && ReferenceEquals(x, y),
        _ => ReferenceEquals(a, b),
    };
}
