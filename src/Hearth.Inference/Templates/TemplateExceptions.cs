namespace Hearth.Inference.Templates;

/// <summary>Base type of every error raised while parsing or rendering a chat template.</summary>
public abstract class TemplateException : Exception
{
    protected TemplateException(string message, int line, int column, Exception? inner = null)
        : base(line > 0 ? $"{message} (line {line}, column {column})" : message, inner)
    {
        Line = line;
        Column = column;
        Reason = message;
    }

    /// <summary>1-based line in the template source (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>1-based column in the template source (0 when unknown).</summary>
    public int Column { get; }

    /// <summary>The message without the location suffix.</summary>
    public string Reason { get; }
}

/// <summary>The template source is not valid in the supported Jinja subset.</summary>
public sealed class TemplateSyntaxException(string message, int line, int column)
    : TemplateException(message, line, column);

/// <summary>Rendering failed: undefined value misuse, a type error, a bad filter argument, and so on.</summary>
public class TemplateRuntimeException(string message, int line, int column, Exception? inner = null)
    : TemplateException(message, line, column, inner);

/// <summary>
/// Rendering exceeded one of the <see cref="TemplateLimits"/> (output size, loop iterations, recursion, collection size,
/// steps, chars built, render time).
/// </summary>
public sealed class TemplateLimitExceededException(string message, int line, int column, string limit = "")
    : TemplateRuntimeException(message, line, column)
{
    /// <summary>The name of the <see cref="TemplateLimits"/> property that was exceeded (for example <c>MaxSteps</c>).</summary>
    public string Limit { get; } = limit;
}

/// <summary>
/// The template itself refused the input by calling <c>raise_exception(msg)</c> (for example "System role not supported").
/// <see cref="Exception.Message"/> is exactly the template's message.
/// </summary>
public sealed class TemplateRaisedException : Exception
{
    public TemplateRaisedException(string message, int line)
        : base(message)
    {
        Line = line;
    }

    /// <summary>1-based line of the <c>raise_exception</c> call.</summary>
    public int Line { get; }
}
