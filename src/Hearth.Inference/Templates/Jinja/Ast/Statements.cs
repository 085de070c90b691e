namespace Hearth.Inference.Templates.Jinja.Ast;

/// <summary>A template statement node.</summary>
internal abstract class Node(int offset)
{
    public int Offset { get; } = offset;
}

/// <summary>Where an assignment stores: a name, a tuple of names (unpacking), or <c>namespace.attribute</c>.</summary>
internal sealed class AssignTarget(int offset, string[] names, bool isTuple, string? attribute)
{
    public int Offset { get; } = offset;

    public string[] Names { get; } = names;

    public bool IsTuple { get; } = isTuple;

    /// <summary>Set for <c>ns.attr</c>: then <see cref="Names"/> holds the namespace variable.</summary>
    public string? Attribute { get; } = attribute;
}

internal sealed class TextNode(int offset, string text) : Node(offset)
{
    public string Text { get; } = text;
}

internal sealed class OutputNode(int offset, Expr value) : Node(offset)
{
    public Expr Value { get; } = value;
}

internal sealed class IfNode(int offset, KeyValuePair<Expr, Node[]>[] branches, Node[]? otherwise) : Node(offset)
{
    public KeyValuePair<Expr, Node[]>[] Branches { get; } = branches;

    public Node[]? Otherwise { get; } = otherwise;
}

internal sealed class ForNode(int offset, AssignTarget target, Expr iterable, Expr? condition, Node[] body, Node[]? otherwise, bool recursive) : Node(offset)
{
    public AssignTarget Target { get; } = target;

    public Expr Iterable { get; } = iterable;

    public Expr? Condition { get; } = condition;

    public Node[] Body { get; } = body;

    public Node[]? Otherwise { get; } = otherwise;

    public bool Recursive { get; } = recursive;
}

internal sealed class SetNode(int offset, AssignTarget target, Expr value) : Node(offset)
{
    public AssignTarget Target { get; } = target;

    public Expr Value { get; } = value;
}

/// <summary><c>{% set x | filter %}body{% endset %}</c>.</summary>
internal sealed class BlockSetNode(int offset, AssignTarget target, FilterExpr[] filters, Node[] body) : Node(offset)
{
    public AssignTarget Target { get; } = target;

    public FilterExpr[] Filters { get; } = filters;

    public Node[] Body { get; } = body;
}

internal sealed class MacroParameter(string name, Expr? defaultValue)
{
    public string Name { get; } = name;

    public Expr? Default { get; } = defaultValue;
}

internal sealed class MacroNode(int offset, string name, MacroParameter[] parameters, Node[] body) : Node(offset)
{
    public string Name { get; } = name;

    public MacroParameter[] Parameters { get; } = parameters;

    public Node[] Body { get; } = body;
}

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body becomes <c>caller()</c>.</summary>
internal sealed class CallBlockNode(int offset, CallExpr call, MacroParameter[] callerParameters, Node[] body) : Node(offset)
{
    public CallExpr Call { get; } = call;

    public MacroParameter[] CallerParameters { get; } = callerParameters;

    public Node[] Body { get; } = body;
}

internal sealed class FilterBlockNode(int offset, FilterExpr[] filters, Node[] body) : Node(offset)
{
    public FilterExpr[] Filters { get; } = filters;

    public Node[] Body { get; } = body;
}

internal sealed class WithNode(int offset, KeyValuePair<AssignTarget, Expr>[] assignments, Node[] body) : Node(offset)
{
    public KeyValuePair<AssignTarget, Expr>[] Assignments { get; } = assignments;

    public Node[] Body { get; } = body;
}

internal sealed class BreakNode(int offset) : Node(offset);

internal sealed class ContinueNode(int offset) : Node(offset);
