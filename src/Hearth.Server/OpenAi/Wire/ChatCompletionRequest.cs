using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hearth.Server.OpenAi.Wire;

/// <summary>The body of <c>POST /v1/chat/completions</c> as OpenAI defines it (only the fields Hearth reads or forwards).</summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; set; }
    public List<ChatMessageWire>? Messages { get; set; }
    public bool? Stream { get; set; }
    public StreamOptionsWire? StreamOptions { get; set; }
    public int? MaxTokens { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public long? Seed { get; set; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public List<string>? Stop { get; set; }

    public bool? Logprobs { get; set; }
    public int? TopLogprobs { get; set; }
    public ResponseFormatWire? ResponseFormat { get; set; }
    public string? User { get; set; }
    public int? N { get; set; }
    public float? FrequencyPenalty { get; set; }
    public float? PresencePenalty { get; set; }
    public List<ToolWire>? Tools { get; set; }

    [JsonConverter(typeof(ToolChoiceConverter))]
    public ToolChoiceWire? ToolChoice { get; set; }

    public bool? ParallelToolCalls { get; set; }
}

public sealed class StreamOptionsWire
{
    public bool? IncludeUsage { get; set; }
}

public sealed class ResponseFormatWire
{
    public string? Type { get; set; }
    public JsonSchemaFormatWire? JsonSchema { get; set; }
}

public sealed class JsonSchemaFormatWire
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public JsonElement? Schema { get; set; }
    public bool? Strict { get; set; }
}

public sealed class ToolWire
{
    public string? Type { get; set; }
    public FunctionDefinitionWire? Function { get; set; }
}

public sealed class FunctionDefinitionWire
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public JsonElement? Parameters { get; set; }
    public bool? Strict { get; set; }
}

/// <summary><c>tool_choice</c>: a mode string ("none", "auto", "required") or a named function.</summary>
public sealed class ToolChoiceWire
{
    public string? Mode { get; set; }
    public string? FunctionName { get; set; }
}

/// <summary>One chat message; <c>content</c> may arrive as a string or as an array of text parts (joined).</summary>
public sealed class ChatMessageWire
{
    public string? Role { get; set; }

    [JsonConverter(typeof(MessageContentConverter))]
    public string? Content { get; set; }

    public string? Name { get; set; }
    public List<ToolCallWire>? ToolCalls { get; set; }
    public string? ToolCallId { get; set; }
}

public sealed class ToolCallWire
{
    public int? Index { get; set; }
    public string? Id { get; set; }
    public string? Type { get; set; }
    public FunctionCallWire? Function { get; set; }
}

public sealed class FunctionCallWire
{
    public string? Name { get; set; }
    public string? Arguments { get; set; }
}
