namespace Hearth.Inference.Templates;

/// <summary>Outcome of <see cref="ToolCallParser.Parse"/>.</summary>
public enum ToolCallParseStatus
{
    /// <summary>No tool-call syntax found; the whole output is content.</summary>
    NoToolCalls,

    /// <summary>One or more well-formed tool calls.</summary>
    ToolCalls,

    /// <summary>Tool-call syntax was present but could not be parsed; see <see cref="ToolCallParseResult.Error"/>.</summary>
    Malformed,
}

/// <summary>Tool calls found in a model's output plus the remaining text.</summary>
/// <param name="Status">What was found.</param>
/// <param name="ToolCalls">Well-formed calls, in output order (may be non-empty even when <see cref="Status"/> is Malformed).</param>
/// <param name="Content">Text outside the tool calls, trimmed; for Malformed, the whole output so nothing is lost.</param>
/// <param name="Error">Why parsing failed (Malformed only), naming the offending call.</param>
public sealed record ToolCallParseResult(ToolCallParseStatus Status, IReadOnlyList<ParsedToolCall> ToolCalls, string Content, string? Error = null);
