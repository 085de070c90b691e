using System.Runtime.CompilerServices;
using System.Text;
using Hearth.Inference.Templates.Jinja.Ast;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>
/// Walks a parsed template and writes the output. One instance per render (not thread-safe); it owns the output buffers
/// and enforces <see cref="TemplateLimits"/>: every statement and expression is a step (budgeted, and where cancellation and
/// the render-time budget are checked), and every string, list or output it builds is charged to the built-chars budget.
/// </summary>
internal sealed partial class Evaluator
{
    private readonly SourceText _source;
    private readonly TemplateLimits _limits;
    private readonly Stack<StringBuilder> _captures = new();
    private StringBuilder _output;
    private long _written;
    private long _iterations;
    private int _callDepth;
    private long _steps;
    private long _builtChars;
    private readonly long _startTimestamp;
    private readonly CancellationToken _cancellationToken;

    // The clock is read once per this many steps: one step costs tens of nanoseconds, a timestamp about as much.
    private const int StepsPerClockCheck = 64;

    public Evaluator(SourceText source, ChatTemplateOptions options, int outputCapacity, CancellationToken cancellationToken)
    {
        _source = source;
        Options = options;
        _limits = options.Limits;
        _output = new StringBuilder(outputCapacity);
        _cancellationToken = cancellationToken;
        _startTimestamp = options.Clock.GetTimestamp();
    }

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public ChatTemplateOptions Options { get; }

    /// <summary>Offset of the call being evaluated (for errors raised inside builtins).</summary>
    public int CurrentOffset { get; private set; }

    public int CurrentLine => _source.LineOf(CurrentOffset);

    public string Run(Node[] body, Scope scope)
    {
        try
        {
            Execute(body, scope);
        }
        catch (InsufficientExecutionStackException)
        {
            throw LimitError("template nesting or recursion too deep for the execution stack", CurrentOffset, nameof(TemplateLimits.MaxCallDepth));
        }
        return _output.ToString();
    }

    /// <summary>Throws when a string or list about to be built would exceed <see cref="TemplateLimits.MaxValueLength"/>.</summary>
    public void CheckLength(long length)
    {
        if (length > _limits.MaxValueLength)
        {
            throw LimitError($"a value of {length} chars/items exceeds the limit of {_limits.MaxValueLength}", CurrentOffset, nameof(TemplateLimits.MaxValueLength));
        }
    }

    /// <summary>
    /// Counts one step of work at <paramref name="offset"/>; throws when the step budget or the render-time budget is spent,
    /// and <see cref="OperationCanceledException"/> once the caller's token is cancelled.
    /// </summary>
    private void Step(int offset)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (++_steps > _limits.MaxSteps)
        {
            throw LimitError($"rendering took more than {_limits.MaxSteps} steps", offset, nameof(TemplateLimits.MaxSteps));
        }
        if (_steps % StepsPerClockCheck == 0)
        {
            CheckTime(offset);
        }
    }

    private void CheckTime(int offset)
    {
        TimeSpan elapsed = Options.Clock.GetElapsedTime(_startTimestamp);
        if (elapsed > _limits.MaxRenderTime)
        {
            throw LimitError(
                $"rendering ran longer than {_limits.MaxRenderTime.TotalSeconds:0.###} s",
                offset, nameof(TemplateLimits.MaxRenderTime));
        }
    }

    /// <summary>Charges <paramref name="chars"/> built chars (or list items) to the render's budget.</summary>
    public void CountBuilt(long chars, int offset)
    {
        _builtChars += chars;
        if (_builtChars > _limits.MaxBuiltChars)
        {
            throw LimitError(
                $"rendering built more than {_limits.MaxBuiltChars} chars of strings and lists (a string grown in a loop?)",
                offset, nameof(TemplateLimits.MaxBuiltChars));
        }
    }

    public void CountIterations(long count, int offset)
    {
        _iterations += count;
        if (_iterations > _limits.MaxLoopIterations)
        {
            throw LimitError($"more than {_limits.MaxLoopIterations} loop iterations in one render", offset, nameof(TemplateLimits.MaxLoopIterations));
        }
    }

    private void Write(string text)
    {
        _written += text.Length;
        if (_written > _limits.MaxOutputChars)
        {
            throw LimitError($"output exceeds the limit of {_limits.MaxOutputChars} chars", CurrentOffset, nameof(TemplateLimits.MaxOutputChars));
        }
        CountBuilt(text.Length, CurrentOffset);
        _output.Append(text);
    }

    private string Capture(Node[] body, Scope scope)
    {
        _captures.Push(_output);
        _output = new StringBuilder();
        try
        {
            Execute(body, scope);
            return _output.ToString();
        }
        finally
        {
            _output = _captures.Pop();
        }
    }

    internal string RenderMacroBody(Macro macro, Node[] body, Scope scope)
    {
        if (++_callDepth > _limits.MaxCallDepth)
        {
            throw LimitError($"macro calls nested deeper than {_limits.MaxCallDepth} (calling '{macro.Name}')", CurrentOffset, nameof(TemplateLimits.MaxCallDepth));
        }
        try
        {
            return Capture(body, scope);
        }
        finally
        {
            _callDepth--;
        }
    }

    private Flow Execute(Node[] nodes, Scope scope)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        foreach (Node node in nodes)
        {
            Flow flow = ExecuteNode(node, scope);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }

    private Flow ExecuteNode(Node node, Scope scope)
    {
        Step(node.Offset);
        switch (node)
        {
            case TextNode text:
                Write(text.Text);
                return Flow.Normal;
            case OutputNode output:
                Write(PyText.Str(Evaluate(output.Value, scope)));
                return Flow.Normal;
            case IfNode ifNode:
                foreach (var branch in ifNode.Branches)
                {
                    if (PyOps.IsTrue(Evaluate(branch.Key, scope)))
                    {
                        return Execute(branch.Value, scope);
                    }
                }
                return ifNode.Otherwise is null ? Flow.Normal : Execute(ifNode.Otherwise, scope);
            case ForNode forNode:
                ExecuteFor(forNode, scope);
                return Flow.Normal;
            case SetNode set:
                Assign(set.Target, Evaluate(set.Value, scope), scope);
                return Flow.Normal;
            case BlockSetNode blockSet:
                Assign(blockSet.Target, ApplyFilters(blockSet.Filters, Capture(blockSet.Body, scope), scope), scope);
                return Flow.Normal;
            case MacroNode macro:
                scope.Set(macro.Name, new Macro(macro.Name, macro.Parameters, macro.Body, scope));
                return Flow.Normal;
            case CallBlockNode call:
                ExecuteCallBlock(call, scope);
                return Flow.Normal;
            case FilterBlockNode filterBlock:
                Write(PyText.Str(ApplyFilters(filterBlock.Filters, Capture(filterBlock.Body, scope), scope)));
                return Flow.Normal;
            case WithNode with:
                var inner = new Scope(scope);
                foreach (var assignment in with.Assignments)
                {
                    Assign(assignment.Key, Evaluate(assignment.Value, scope), inner);
                }
                return Execute(with.Body, inner);
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            default:
                throw RuntimeError($"unsupported statement {node.GetType().Name}", node.Offset);
        }
    }

    private void ExecuteFor(ForNode node, Scope scope)
    {
        object? iterable = Evaluate(node.Iterable, scope);
        IReadOnlyList<object?> items;
        try
        {
            items = PyOps.Iterate(iterable);
        }
        catch (TemplateTypeError e)
        {
            throw RuntimeError(e.Message, node.Iterable.Offset);
        }
        var loopScope = new Scope(scope);
        if (node.Condition is not null)
        {
            var kept = new List<object?>();
            foreach (object? item in items)
            {
                CountIterations(1, node.Offset);
                loopScope.Clear();
                Assign(node.Target, item, loopScope);
                if (PyOps.IsTrue(Evaluate(node.Condition, loopScope)))
                {
                    kept.Add(item);
                }
            }
            items = kept;
        }
        if (items.Count == 0)
        {
            if (node.Otherwise is not null)
            {
                Execute(node.Otherwise, new Scope(scope));
            }
            return;
        }
        // depth counts recursive loop() calls only, which are not supported, so it is always 1.
        var loop = new LoopContext(items, 0);
        for (int i = 0; i < items.Count; i++)
        {
            CountIterations(1, node.Offset);
            loop.Index0 = i;
            loopScope.Clear();
            Assign(node.Target, items[i], loopScope);
            loopScope.Set("loop", loop);
            if (Execute(node.Body, loopScope) == Flow.Break)
            {
                break;
            }
        }
    }

    private void ExecuteCallBlock(CallBlockNode node, Scope scope)
    {
        var caller = new Macro("caller", node.CallerParameters, node.Body, scope);
        object? callee = Evaluate(node.Call.Callee, scope);
        var arguments = EvaluateArguments(node.Call.Arguments, scope);
        var named = new KeyValuePair<string, object?>[arguments.Named.Length + 1];
        arguments.Named.CopyTo(named, 0);
        named[^1] = new KeyValuePair<string, object?>("caller", caller);
        Write(PyText.Str(Invoke(callee, new CallArguments(arguments.Positional, named), node.Call.Offset)));
    }

    private object? ApplyFilters(FilterExpr[] filters, object? value, Scope scope)
    {
        foreach (FilterExpr filter in filters)
        {
            value = ApplyFilter(filter, value, scope);
        }
        return value;
    }

    private void Assign(AssignTarget target, object? value, Scope scope)
    {
        if (target.Attribute is not null)
        {
            object? holder = scope.Get(target.Names[0]);
            if (holder is not JinjaNamespace ns)
            {
                throw RuntimeError($"cannot assign attribute '{target.Attribute}' on '{target.Names[0]}': it is not a namespace()", target.Offset);
            }
            ns.Attributes[target.Attribute] = value;
            return;
        }
        if (!target.IsTuple)
        {
            scope.Set(target.Names[0], value);
            return;
        }
        IReadOnlyList<object?> parts;
        try
        {
            parts = PyOps.Iterate(value);
        }
        catch (TemplateTypeError e)
        {
            throw RuntimeError($"cannot unpack: {e.Message}", target.Offset);
        }
        if (parts.Count != target.Names.Length)
        {
            throw RuntimeError(
                parts.Count > target.Names.Length
                    ? $"too many values to unpack (expected {target.Names.Length})"
                    : $"not enough values to unpack (expected {target.Names.Length}, got {parts.Count})",
                target.Offset);
        }
        for (int i = 0; i < parts.Count; i++)
        {
            scope.Set(target.Names[i], parts[i]);
        }
    }

    public TemplateRuntimeException RuntimeError(string message, int offset, Exception? inner = null)
    {
        var (line, column) = _source.Locate(offset);
        return new TemplateRuntimeException(message, line, column, inner);
    }

    private TemplateLimitExceededException LimitError(string message, int offset, string limit)
    {
        var (line, column) = _source.Locate(offset);
        return new TemplateLimitExceededException($"{message} ({limit})", line, column, limit);
    }
}
