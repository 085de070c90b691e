namespace Hearth.Contracts;

/// <summary>
/// The part of an <see cref="ArgumentException"/>'s message meant for a person: without the " (Parameter 'x')" suffix and the
/// "Actual value was …" line .NET appends, which name a C# parameter the caller never saw.
/// </summary>
public static class ArgumentMessages
{
    public static string Text(ArgumentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        var actual = message.IndexOf("Actual value was", StringComparison.Ordinal);
        if (actual >= 0)
        {
            message = message[..actual];
        }
        if (exception.ParamName is { } param)
        {
            message = message.Replace($" (Parameter '{param}')", string.Empty, StringComparison.Ordinal);
        }
        return message.TrimEnd();
    }
}
