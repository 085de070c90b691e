namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>
/// A variable frame. Lookups walk outwards; assignments stay local — which gives Jinja2's rules: a <c>set</c> inside a
/// <c>for</c> body lives for one iteration, a <c>set</c> inside a macro stays in the macro, an <c>if</c> opens no frame.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private Dictionary<string, object?>? _variables;

    public Scope? Parent { get; } = parent;

    public bool TryGet(string name, out object? value)
    {
        for (Scope? scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables is not null && scope._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }
        value = null;
        return false;
    }

    public bool HasLocal(string name) => _variables is not null && _variables.ContainsKey(name);

    public object? Get(string name) => TryGet(name, out object? value) ? value : Undefined.ForName(name);

    public void Set(string name, object? value) => (_variables ??= new Dictionary<string, object?>(StringComparer.Ordinal))[name] = value;

    public void Clear() => _variables?.Clear();
}
