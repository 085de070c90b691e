namespace Hearth.Routing.Evaluation;

/// <summary>A routing data file (JSON Lines or RouteLLM CSV) is malformed; the message names the file, line and field.</summary>
public sealed class RoutingDataException : Exception
{
    public RoutingDataException(string message)
        : base(message)
    {
    }

    public RoutingDataException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RoutingDataException()
    {
    }

    /// <summary>Builds the exception for one location in a file.</summary>
    public static RoutingDataException At(string file, long line, string field, string problem) =>
        new($"{file}:{line}: field '{field}': {problem}");
}
