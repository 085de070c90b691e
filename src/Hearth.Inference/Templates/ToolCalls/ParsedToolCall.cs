namespace Hearth.Inference.Templates;

/// <summary>One tool call extracted from model output.</summary>
/// <param name="Name">Function name.</param>
/// <param name="ArgumentsJson">Arguments as a compact JSON object text (what OpenAI's <c>function.arguments</c> carries).</param>
/// <param name="Id">A deterministic id, <c>call_</c> + 24 hex chars derived from the call and its position.</param>
public sealed record ParsedToolCall(string Name, string ArgumentsJson, string Id);
