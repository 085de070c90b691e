namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>The <c>loop</c> variable inside a <c>for</c> body.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items, int depth0)
{
    private object? _lastChanged = new Undefined("no previous value");

    public int Index0 { get; set; }

    public object? Attribute(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(items.Count - Index0),
        "revindex0" => (long)(items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "depth" => (long)(depth0 + 1),
        "depth0" => (long)depth0,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : new Undefined("there is no next item"),
        "cycle" => new BuiltinFunction("loop.cycle", (_, args) => args.Positional.Length == 0
            ? throw new TemplateTypeError("no items for cycling given")
            : args.Positional[Index0 % args.Positional.Length]),
        "changed" => new BuiltinFunction("loop.changed", (_, args) =>
        {
            var value = new PyTuple(args.Positional);
            if (PyOps.AreEqual(value, _lastChanged))
            {
                return false;
            }
            _lastChanged = value;
            return true;
        }),
        _ => new Undefined($"'LoopContext object' has no attribute '{name}'"),
    };
}
