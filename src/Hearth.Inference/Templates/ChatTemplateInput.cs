using System.Text.Json.Nodes;

namespace Hearth.Inference.Templates;

/// <summary>
/// The variables a chat template sees: <c>messages</c>, <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c>,
/// <c>tools</c> (<c>none</c> when null, as Hugging Face passes it) and any <see cref="Extra"/> variables
/// (for example <c>enable_thinking</c>, <c>documents</c>, <c>date_string</c>).
/// </summary>
public sealed record ChatTemplateInput(IReadOnlyList<TemplateMessage> Messages, bool AddGenerationPrompt, string BosToken, string EosToken)
{
    /// <summary>Tool definitions in OpenAI shape (<c>{"type":"function","function":{...}}</c>), or null for none.</summary>
    public IReadOnlyList<JsonObject>? Tools { get; init; }

    /// <summary>
    /// Extra template variables. Values may be null, bool, integers, floating point, strings, <see cref="JsonNode"/>,
    /// dictionaries with string keys, or sequences of these.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Extra { get; init; }
}
