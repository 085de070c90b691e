namespace Hearth.Inference.Templates.Jinja.Ast;

/// <summary>An expression node; <see cref="Offset"/> is its position in the normalized source.</summary>
internal abstract class Expr(int offset)
{
    public int Offset { get; } = offset;
}

/// <summary>Call arguments: positional then keyword (<c>name=value</c>).</summary>
internal sealed class Arguments(Expr[] positional, KeyValuePair<string, Expr>[] named)
{
    public static Arguments Empty { get; } = new([], []);

    public Expr[] Positional { get; } = positional;

    public KeyValuePair<string, Expr>[] Named { get; } = named;
}

internal sealed class ConstExpr(int offset, object? value) : Expr(offset)
{
    public object? Value { get; } = value;
}

internal sealed class NameExpr(int offset, string name) : Expr(offset)
{
    public string Name { get; } = name;
}

internal sealed class AttributeExpr(int offset, Expr target, string name) : Expr(offset)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;
}

internal sealed class ItemExpr(int offset, Expr target, Expr key) : Expr(offset)
{
    public Expr Target { get; } = target;

    public Expr Key { get; } = key;
}

internal sealed class SliceExpr(int offset, Expr target, Expr? start, Expr? stop, Expr? step) : Expr(offset)
{
    public Expr Target { get; } = target;

    public Expr? Start { get; } = start;

    public Expr? Stop { get; } = stop;

    public Expr? Step { get; } = step;
}

internal sealed class CallExpr(int offset, Expr callee, Arguments arguments) : Expr(offset)
{
    public Expr Callee { get; } = callee;

    public Arguments Arguments { get; } = arguments;
}

/// <summary><c>input | name(args)</c>; <see cref="Input"/> is null inside a <c>{% filter %}</c> block head.</summary>
internal sealed class FilterExpr(int offset, Expr? input, string name, Runtime.FilterFunction function, Arguments arguments) : Expr(offset)
{
    public Expr? Input { get; } = input;

    public string Name { get; } = name;

    public Runtime.FilterFunction Function { get; } = function;

    public Arguments Arguments { get; } = arguments;
}

internal sealed class TestExpr(int offset, Expr input, string name, Runtime.TestFunction function, Arguments arguments, bool negated) : Expr(offset)
{
    public Expr Input { get; } = input;

    public string Name { get; } = name;

    public Runtime.TestFunction Function { get; } = function;

    public Arguments Arguments { get; } = arguments;

    public bool Negated { get; } = negated;
}

internal enum UnaryOperator
{
    Not,
    Negate,
    Plus,
}

internal sealed class UnaryExpr(int offset, UnaryOperator op, Expr operand) : Expr(offset)
{
    public UnaryOperator Operator { get; } = op;

    public Expr Operand { get; } = operand;
}

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    FloorDivide,
    Modulo,
    Power,
    And,
    Or,
}

internal sealed class BinaryExpr(int offset, BinaryOperator op, Expr left, Expr right) : Expr(offset)
{
    public BinaryOperator Operator { get; } = op;

    public Expr Left { get; } = left;

    public Expr Right { get; } = right;
}

/// <summary><c>a ~ b ~ c</c>: string conversion and concatenation.</summary>
internal sealed class ConcatExpr(int offset, Expr[] parts) : Expr(offset)
{
    public Expr[] Parts { get; } = parts;
}

internal enum CompareOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    In,
    NotIn,
}

/// <summary>A comparison chain as in Python: <c>a &lt; b &lt;= c</c>.</summary>
internal sealed class CompareExpr(int offset, Expr first, KeyValuePair<CompareOperator, Expr>[] rest) : Expr(offset)
{
    public Expr First { get; } = first;

    public KeyValuePair<CompareOperator, Expr>[] Rest { get; } = rest;
}

/// <summary><c>then if test else otherwise</c>; without <c>else</c> a false test yields undefined.</summary>
internal sealed class ConditionalExpr(int offset, Expr test, Expr then, Expr? otherwise) : Expr(offset)
{
    public Expr Test { get; } = test;

    public Expr Then { get; } = then;

    public Expr? Otherwise { get; } = otherwise;
}

internal sealed class ListExpr(int offset, Expr[] items) : Expr(offset)
{
    public Expr[] Items { get; } = items;
}

internal sealed class TupleExpr(int offset, Expr[] items) : Expr(offset)
{
    public Expr[] Items { get; } = items;
}

internal sealed class DictExpr(int offset, KeyValuePair<Expr, Expr>[] entries) : Expr(offset)
{
    public KeyValuePair<Expr, Expr>[] Entries { get; } = entries;
}
