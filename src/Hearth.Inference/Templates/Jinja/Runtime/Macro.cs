using Hearth.Inference.Templates.Jinja.Ast;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>A macro (or a call block's <c>caller</c>): parameters bound per call, output captured and returned as a string.</summary>
internal sealed class Macro(string name, MacroParameter[] parameters, Node[] body, Scope closure, Macro? caller = null) : ICallable
{
    public string Name { get; } = name;

    public object? Invoke(Evaluator evaluator, CallArguments arguments)
    {
        var scope = new Scope(closure);
        var varargs = new List<object?>();
        var kwargs = new PyDict();
        Macro? callerMacro = caller;
        for (int i = 0; i < arguments.Positional.Length; i++)
        {
            if (i < parameters.Length)
            {
                scope.Set(parameters[i].Name, arguments.Positional[i]);
            }
            else
            {
                varargs.Add(arguments.Positional[i]);
            }
        }
        foreach (var pair in arguments.Named)
        {
            if (pair.Key == "caller" && pair.Value is Macro passed)
            {
                callerMacro = passed;
                continue;
            }
            int index = Array.FindIndex(parameters, p => p.Name == pair.Key);
            if (index < 0)
            {
                kwargs[pair.Key] = pair.Value;
            }
            else if (index < arguments.Positional.Length)
            {
                throw new TemplateTypeError($"macro '{Name}' got multiple values for argument '{pair.Key}'");
            }
            else
            {
                scope.Set(pair.Key, pair.Value);
            }
        }
        foreach (var parameter in parameters)
        {
            if (!scope.HasLocal(parameter.Name))
            {
                scope.Set(parameter.Name, parameter.Default is null ? Undefined.ForName(parameter.Name) : evaluator.Evaluate(parameter.Default, scope));
            }
        }
        scope.Set("varargs", new PyTuple([.. varargs]));
        scope.Set("kwargs", kwargs);
        if (callerMacro is not null)
        {
            scope.Set("caller", callerMacro);
        }
        return evaluator.RenderMacroBody(this, body, scope);
    }
}
