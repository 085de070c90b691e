using System.Text.Json.Nodes;

namespace Hearth.Inference.Templates;

/// <summary>
/// One chat message as a template sees it: a mapping with <c>role</c> and <c>content</c> (<c>none</c> when null) and,
/// only when set, <c>tool_calls</c>, <c>tool_call_id</c> and <c>name</c> (templates test <c>'tool_calls' in message</c>).
/// <see cref="FromJson"/> keeps every field of an OpenAI-style message object (e.g. <c>reasoning_content</c>, <c>tool_plan</c>).
/// </summary>
public sealed record TemplateMessage(string Role, string? Content)
{
    /// <summary>OpenAI-shaped tool calls (<c>{"id","type":"function","function":{"name","arguments"}}</c>), or null.</summary>
    public IReadOnlyList<JsonObject>? ToolCalls { get; init; }

    /// <summary>For <c>tool</c> messages: the id of the call this answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Optional author name.</summary>
    public string? Name { get; init; }

    /// <summary>The whole message object when built with <see cref="FromJson"/>; then it is what the template sees.</summary>
    public JsonObject? Json { get; init; }

    /// <summary>Builds a message from an OpenAI-style JSON object; requires a string <c>role</c>.</summary>
    /// <exception cref="ArgumentException">The object has no string <c>role</c>.</exception>
    public static TemplateMessage FromJson(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message["role"] is not JsonValue roleValue || !roleValue.TryGetValue(out string? role))
        {
            throw new ArgumentException("A chat message needs a string 'role' field.", nameof(message));
        }
        string? content = message["content"] is JsonValue cv && cv.TryGetValue(out string? text) ? text : null;
        return new TemplateMessage(role, content) { Json = message };
    }
}
