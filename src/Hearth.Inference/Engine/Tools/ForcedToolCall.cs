using System.Text.Json;
using Hearth.Inference.Templates;
using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Engine.Tools;

/// <summary>
/// How a local model is made to call a tool when <c>tool_choice</c> requires one: the answer is prefilled with the call's
/// opening in the template family's syntax; with a known function name the arguments are generated under the JSON-object
/// constraint and <see cref="Closing"/> completes the call.
/// </summary>
/// <param name="Opening">Text appended to the prompt as the start of the answer (and prepended to what the model generates).</param>
/// <param name="Closing">Text appended after the generated arguments (empty when the model writes the rest itself).</param>
/// <param name="ArgumentsConstrained">True when the generation is exactly the arguments object (JSON-constrained).</param>
internal sealed record ForcedToolCall(string Opening, string Closing, bool ArgumentsConstrained)
{
    /// <summary>Null when the model may answer freely (<c>auto</c>).</summary>
    /// <exception cref="HearthRequestException">An invalid request naming <c>tool_choice</c> when it names a function that is not in <c>tools</c>.</exception>
    public static ForcedToolCall? For(ChatOptions options, ToolCallFormat format)
    {
        if (options.ToolMode is not RequiredChatToolMode required)
        {
            return null;
        }
        var names = options.Tools?.OfType<AIFunctionDeclaration>().Select(f => f.Name).ToList() ?? [];
        var name = required.RequiredFunctionName;
        if (name is not null && !names.Contains(name, StringComparer.Ordinal))
        {
            throw HearthRequestException.InvalidParameter("tool_choice",
                $"'tool_choice' names function '{name}', which is not among the tools ({string.Join(", ", names)}).");
        }
        name ??= names.Count == 1 ? names[0] : null;
        var quoted = name is null ? null : JsonSerializer.Serialize(name, ToolCallJsonContext.Default.String);
        return (format, quoted) switch
        {
            (ToolCallFormat.Hermes, null) => new("<tool_call>\n{\"name\": \"", "", false),
            (ToolCallFormat.Hermes, _) => new("<tool_call>\n{\"name\": " + quoted + ", \"arguments\": ", "}\n</tool_call>", true),
            (ToolCallFormat.Llama3Json, null) => new("{\"name\": \"", "", false),
            (ToolCallFormat.Llama3Json, _) => new("{\"name\": " + quoted + ", \"parameters\": ", "}", true),
            _ => null,
        };
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ToolCallJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
