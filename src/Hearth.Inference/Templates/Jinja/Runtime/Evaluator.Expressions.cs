using System.Text;
using Hearth.Inference.Templates.Jinja.Ast;

namespace Hearth.Inference.Templates.Jinja.Runtime;

internal sealed partial class Evaluator
{
    public object? Evaluate(Expr expr, Scope scope)
    {
        Step(expr.Offset);
        try
        {
            object? value = EvaluateCore(expr, scope);
            if (expr is not (ConstExpr or NameExpr or AttributeExpr or ItemExpr))
            {
                ChargeBuilt(value, expr.Offset);
            }
            return value;
        }
        catch (TemplateTypeError e)
        {
            throw RuntimeError(e.Message, expr.Offset, e);
        }
        catch (UndefinedValueException e)
        {
            throw RuntimeError(e.Message, expr.Offset, e);
        }
    }

    /// <summary>
    /// Charges a computed value to the built-chars budget by its size. Lookups (names, attributes, items, constants) build
    /// nothing and are not charged; everything else (operators, filters, calls, slices, literals) is.
    /// </summary>
    private void ChargeBuilt(object? value, int offset)
    {
        long size = value switch
        {
            string s => s.Length,
            Markup m => m.Value.Length,
            List<object?> list => list.Count,
            PyTuple tuple => tuple.Count,
            PyDict dict => dict.Count,
            _ => 0,
        };
        if (size > 0)
        {
            CountBuilt(size, offset);
        }
    }

    private object? EvaluateCore(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case ConstExpr constant:
                return constant.Value;
            case NameExpr name:
                return scope.Get(name.Name);
            case AttributeExpr attribute:
                return GetAttribute(Evaluate(attribute.Target, scope), attribute.Name);
            case ItemExpr item:
                return GetItem(Evaluate(item.Target, scope), Evaluate(item.Key, scope));
            case SliceExpr slice:
                return Slicing.Slice(
                    Evaluate(slice.Target, scope),
                    slice.Start is null ? null : Evaluate(slice.Start, scope),
                    slice.Stop is null ? null : Evaluate(slice.Stop, scope),
                    slice.Step is null ? null : Evaluate(slice.Step, scope));
            case CallExpr call:
                {
                    object? callee = Evaluate(call.Callee, scope);
                    var arguments = EvaluateArguments(call.Arguments, scope);
                    return Invoke(callee, arguments, call.Offset);
                }
            case FilterExpr filter:
                return ApplyFilter(filter, filter.Input is null ? null : Evaluate(filter.Input, scope), scope);
            case TestExpr test:
                {
                    object? value = PyOps.Unwrap(Evaluate(test.Input, scope));
                    var arguments = Plain(EvaluateArguments(test.Arguments, scope));
                    CurrentOffset = test.Offset;
                    return test.Function(this, value, arguments) != test.Negated;
                }
            case UnaryExpr unary:
                {
                    object? operand = Evaluate(unary.Operand, scope);
                    return unary.Operator switch
                    {
                        UnaryOperator.Not => !PyOps.IsTrue(operand),
                        UnaryOperator.Negate => PyOps.Negate(operand),
                        _ => PyOps.Plus(operand),
                    };
                }
            case BinaryExpr binary:
                return EvaluateBinary(binary, scope);
            case ConcatExpr concat:
                {
                    var sb = new StringBuilder();
                    foreach (Expr part in concat.Parts)
                    {
                        sb.Append(PyText.Str(Evaluate(part, scope)));
                        CheckLength(sb.Length);
                    }
                    return sb.ToString();
                }
            case CompareExpr compare:
                return EvaluateCompare(compare, scope);
            case ConditionalExpr conditional:
                if (PyOps.IsTrue(Evaluate(conditional.Test, scope)))
                {
                    return Evaluate(conditional.Then, scope);
                }
                return conditional.Otherwise is null
                    ? new Undefined("the inline if-expression evaluated to false and no else section was defined")
                    : Evaluate(conditional.Otherwise, scope);
            case ListExpr list:
                {
                    var result = new List<object?>(list.Items.Length);
                    foreach (Expr item in list.Items)
                    {
                        result.Add(Evaluate(item, scope));
                    }
                    return result;
                }
            case TupleExpr tuple:
                {
                    var items = new object?[tuple.Items.Length];
                    for (int i = 0; i < items.Length; i++)
                    {
                        items[i] = Evaluate(tuple.Items[i], scope);
                    }
                    return new PyTuple(items);
                }
            case DictExpr dict:
                {
                    var result = new PyDict(dict.Entries.Length);
                    foreach (var entry in dict.Entries)
                    {
                        object key = Evaluate(entry.Key, scope) ?? throw new TemplateTypeError("None is not supported as a dict key");
                        result[key] = Evaluate(entry.Value, scope);
                    }
                    return result;
                }
            default:
                throw new TemplateTypeError($"unsupported expression {expr.GetType().Name}");
        }
    }

    private object? EvaluateBinary(BinaryExpr binary, Scope scope)
    {
        object? left = Evaluate(binary.Left, scope);
        switch (binary.Operator)
        {
            case BinaryOperator.And:
                return PyOps.IsTrue(left) ? Evaluate(binary.Right, scope) : left;
            case BinaryOperator.Or:
                return PyOps.IsTrue(left) ? left : Evaluate(binary.Right, scope);
        }
        object? right = Evaluate(binary.Right, scope);
        CurrentOffset = binary.Offset;
        return binary.Operator switch
        {
            BinaryOperator.Add => PyOps.Add(left, right, this),
            BinaryOperator.Subtract => PyOps.Subtract(left, right),
            BinaryOperator.Multiply => PyOps.Multiply(left, right, this),
            BinaryOperator.Divide => PyOps.Divide(left, right),
            BinaryOperator.FloorDivide => PyOps.FloorDivide(left, right),
            BinaryOperator.Modulo => PyOps.Modulo(left, right, this),
            _ => PyOps.Power(left, right),
        };
    }

    private object? EvaluateCompare(CompareExpr compare, Scope scope)
    {
        object? left = Evaluate(compare.First, scope);
        foreach (var pair in compare.Rest)
        {
            object? right = Evaluate(pair.Value, scope);
            bool ok = pair.Key switch
            {
                CompareOperator.Equal => PyOps.AreEqual(left, right),
                CompareOperator.NotEqual => !PyOps.AreEqual(left, right),
                CompareOperator.Less => PyOps.Compare(left, right, "<") < 0,
                CompareOperator.LessOrEqual => PyOps.Compare(left, right, "<=") <= 0,
                CompareOperator.Greater => PyOps.Compare(left, right, ">") > 0,
                CompareOperator.GreaterOrEqual => PyOps.Compare(left, right, ">=") >= 0,
                CompareOperator.In => PyOps.Contains(right, left),
                _ => !PyOps.Contains(right, left),
            };
            if (!ok)
            {
                return false;
            }
            left = right;
        }
        return true;
    }

    private CallArguments EvaluateArguments(Arguments arguments, Scope scope)
    {
        if (arguments.Positional.Length == 0 && arguments.Named.Length == 0)
        {
            return CallArguments.None;
        }
        var positional = new object?[arguments.Positional.Length];
        for (int i = 0; i < positional.Length; i++)
        {
            positional[i] = Evaluate(arguments.Positional[i], scope);
        }
        var named = new KeyValuePair<string, object?>[arguments.Named.Length];
        for (int i = 0; i < named.Length; i++)
        {
            named[i] = new KeyValuePair<string, object?>(arguments.Named[i].Key, Evaluate(arguments.Named[i].Value, scope));
        }
        return new CallArguments(positional, named);
    }

    // Filters that keep a Markup input Markup (str methods on Markup return Markup; soft_str keeps it).
    private static readonly HashSet<string> s_markupPreserving = ["string", "trim", "upper", "lower", "capitalize", "indent", "format", "default", "d", "safe"];

    private static CallArguments Plain(CallArguments arguments)
    {
        if (arguments.Count == 0)
        {
            return arguments;
        }
        var positional = Array.ConvertAll(arguments.Positional, PyOps.Unwrap);
        var named = Array.ConvertAll(arguments.Named, p => new KeyValuePair<string, object?>(p.Key, PyOps.Unwrap(p.Value)));
        return new CallArguments(positional, named);
    }

    private object? ApplyFilter(FilterExpr filter, object? value, Scope scope)
    {
        var arguments = Plain(EvaluateArguments(filter.Arguments, scope));
        CurrentOffset = filter.Offset;
        try
        {
            if (value is Markup markup)
            {
                if (filter.Name is "e" or "escape")
                {
                    return markup;
                }
                object? result = filter.Function(this, markup.Value, arguments);
                return s_markupPreserving.Contains(filter.Name) && result is string text ? new Markup(text) : result;
            }
            return filter.Function(this, value, arguments);
        }
        catch (TemplateTypeError e)
        {
            throw RuntimeError($"filter '{filter.Name}': {e.Message}", filter.Offset, e);
        }
    }

    public object? Invoke(object? callee, CallArguments arguments, int offset)
    {
        CurrentOffset = offset;
        return callee switch
        {
            ICallable callable => callable.Invoke(this, arguments),
            Undefined undefined => throw new UndefinedValueException(undefined.Hint),
            _ => throw new TemplateTypeError($"'{PyOps.TypeName(callee)}' object is not callable"),
        };
    }

    /// <summary><c>value.name</c>: Python attribute first (methods), then the mapping item, else undefined.</summary>
    public static object? GetAttribute(object? value, string name)
    {
        switch (value)
        {
            case PyDict dict:
                if (Methods.IsDictMethod(name))
                {
                    return new BoundMethod(dict, name);
                }
                return dict.TryGetValue(name, out object? item) ? item : new Undefined($"'dict object' has no attribute '{name}'");
            case string s:
                return Methods.IsStringMethod(name) ? new BoundMethod(s, name) : new Undefined($"'str object' has no attribute '{name}'");
            case Markup m:
                return Methods.IsStringMethod(name) ? new BoundMethod(m, name) : new Undefined($"'Markup object' has no attribute '{name}'");
            case List<object?> list:
                return Methods.IsListMethod(name) ? new BoundMethod(list, name) : new Undefined($"'list object' has no attribute '{name}'");
            case JinjaNamespace ns:
                return ns.Attributes.TryGetValue(name, out object? attribute) ? attribute : new Undefined($"'Namespace object' has no attribute '{name}'");
            case LoopContext loop:
                return loop.Attribute(name);
            case Undefined undefined:
                throw new UndefinedValueException(undefined.Hint);
            default:
                return new Undefined($"'{PyOps.TypeName(value)} object' has no attribute '{name}'");
        }
    }

    /// <summary><c>value[key]</c>: the item first, then (for string keys) the attribute, else undefined.</summary>
    public static object? GetItem(object? value, object? key)
    {
        value = PyOps.Unwrap(value);
        key = PyOps.Unwrap(key);
        switch (value)
        {
            case Undefined undefined:
                throw new UndefinedValueException(undefined.Hint);
            case PyGenerator:
                return new Undefined("'generator' object is not subscriptable");
            case PyDict dict:
                if (key is not null and not Undefined && key is not List<object?> and not PyDict && dict.TryGetValue(key, out object? item))
                {
                    return item;
                }
                break;
            case List<object?> or PyTuple or string when key is long or bool:
                {
                    long index = key is bool b ? (b ? 1 : 0) : (long)key;
                    if (value is string s)
                    {
                        var chars = PyText.Length(s) == s.Length ? null : PyText.CodePoints(s);
                        int length = chars?.Count ?? s.Length;
                        if (index < 0)
                        {
                            index += length;
                        }
                        if (index < 0 || index >= length)
                        {
                            return new Undefined("string index out of range");
                        }
                        return chars is null ? s[(int)index].ToString() : chars[(int)index];
                    }
                    var list = (IReadOnlyList<object?>)value;
                    if (index < 0)
                    {
                        index += list.Count;
                    }
                    return index < 0 || index >= list.Count ? new Undefined($"{PyOps.TypeName(value)} index out of range") : list[(int)index];
                }
        }
        if (key is string name && value is not PyDict)
        {
            return GetAttribute(value, name);
        }
        if (key is string dictKey && value is PyDict d && Methods.IsDictMethod(dictKey))
        {
            return new BoundMethod(d, dictKey);
        }
        return new Undefined($"'{PyOps.TypeName(value)} object' has no attribute '{PyText.Str(key)}'");
    }
}
