using System.Text.Json;
using System.Text.Json.Serialization;
using Hearth.Server.OpenAi.Wire;

namespace Hearth.Server.Ollama.Wire;

/// <summary><c>POST /api/chat</c>.</summary>
public sealed class OllamaChatRequest
{
    public string? Model { get; set; }
    public List<OllamaMessage>? Messages { get; set; }
    public bool? Stream { get; set; }

    /// <summary>"json" or a JSON Schema object.</summary>
    public JsonElement? Format { get; set; }

    public OllamaOptions? Options { get; set; }
    public JsonElement? KeepAlive { get; set; }
    public List<ToolWire>? Tools { get; set; }
}

/// <summary><c>POST /api/generate</c>.</summary>
public sealed class OllamaGenerateRequest
{
    public string? Model { get; set; }
    public string? Prompt { get; set; }
    public string? System { get; set; }
    public bool? Stream { get; set; }
    public bool? Raw { get; set; }
    public JsonElement? Format { get; set; }
    public OllamaOptions? Options { get; set; }
    public JsonElement? KeepAlive { get; set; }
}

public sealed class OllamaOptions
{
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public int? TopK { get; set; }
    public long? Seed { get; set; }
    public int? NumPredict { get; set; }
    public List<string>? Stop { get; set; }
    public int? NumCtx { get; set; }
    public float? RepeatPenalty { get; set; }
    public float? PresencePenalty { get; set; }
    public float? FrequencyPenalty { get; set; }
}

public sealed class OllamaMessage
{
    public string? Role { get; set; }
    public string? Content { get; set; }
    public List<OllamaToolCall>? ToolCalls { get; set; }
    public List<string>? Images { get; set; }
}

public sealed class OllamaToolCall
{
    public OllamaFunctionCall? Function { get; set; }
}

public sealed class OllamaFunctionCall
{
    public string? Name { get; set; }
    public JsonElement? Arguments { get; set; }
}

/// <summary>Body of show / delete / pull: Ollama accepts <c>model</c> (current) or <c>name</c> (older clients).</summary>
public sealed class OllamaModelRequest
{
    public string? Model { get; set; }
    public string? Name { get; set; }
    public bool? Stream { get; set; }
    public bool? Insecure { get; set; }
    public bool? Verbose { get; set; }

    /// <summary>Hearth extension for <c>/api/pull</c>: replace a model of the same name (refused with 409 otherwise).</summary>
    public bool? Force { get; set; }

    [JsonIgnore]
    public string? Target => Model ?? Name;
}

public sealed class OllamaEmbedRequest
{
    public string? Model { get; set; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public List<string>? Input { get; set; }

    public bool? Truncate { get; set; }
    public int? Dimensions { get; set; }
    public JsonElement? KeepAlive { get; set; }
    public OllamaOptions? Options { get; set; }
}

/// <summary>A model in <c>/api/tags</c> and <c>/api/ps</c>.</summary>
public sealed class OllamaModelEntry
{
    public string Name { get; set; } = "";
    public string Model { get; set; } = "";
    public string? ModifiedAt { get; set; }
    public long Size { get; set; }
    public string Digest { get; set; } = "";
    public OllamaModelDetails Details { get; set; } = new();
    public string? ExpiresAt { get; set; }
    public long? SizeVram { get; set; }
}

public sealed class OllamaModelDetails
{
    public string ParentModel { get; set; } = "";
    public string Format { get; set; } = "gguf";
    public string Family { get; set; } = "";
    public List<string>? Families { get; set; }
    public string ParameterSize { get; set; } = "";
    public string QuantizationLevel { get; set; } = "";
}

public sealed class OllamaModelList
{
    public List<OllamaModelEntry> Models { get; set; } = [];
}

public sealed class OllamaShowResponse
{
    public string Modelfile { get; set; } = "";
    public string Parameters { get; set; } = "";
    public string Template { get; set; } = "";
    public OllamaModelDetails Details { get; set; } = new();
    public Dictionary<string, string> ModelInfo { get; set; } = [];

    /// <summary>Hearth's own <c>model_info</c> field: which backend serves the model (<c>local</c> or <c>upstream:NAME</c>).</summary>
    public const string BackendInfoKey = "hearth.backend";
    public List<string> Capabilities { get; set; } = [];
    public string? ModifiedAt { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OllamaChatRequest))]
[JsonSerializable(typeof(OllamaGenerateRequest))]
[JsonSerializable(typeof(OllamaModelRequest))]
[JsonSerializable(typeof(OllamaEmbedRequest))]
[JsonSerializable(typeof(OllamaModelList))]
[JsonSerializable(typeof(OllamaShowResponse))]
public sealed partial class OllamaJsonContext : JsonSerializerContext;
