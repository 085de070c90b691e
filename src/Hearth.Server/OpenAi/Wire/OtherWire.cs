namespace Hearth.Server.OpenAi.Wire;

/// <summary>The body of <c>POST /v1/completions</c> (legacy text completion).</summary>
public sealed class CompletionRequest
{
    public string? Model { get; set; }

    [System.Text.Json.Serialization.JsonConverter(typeof(StringOrArrayConverter))]
    public List<string>? Prompt { get; set; }

    public bool? Stream { get; set; }
    public StreamOptionsWire? StreamOptions { get; set; }
    public int? MaxTokens { get; set; }
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public long? Seed { get; set; }

    [System.Text.Json.Serialization.JsonConverter(typeof(StringOrArrayConverter))]
    public List<string>? Stop { get; set; }

    public int? Logprobs { get; set; }
    public string? User { get; set; }
    public int? N { get; set; }
    public bool? Echo { get; set; }
}

public sealed class CompletionResponse
{
    public string Id { get; set; } = "";
    public string Object { get; set; } = "text_completion";
    public long Created { get; set; }
    public string Model { get; set; } = "";
    public List<CompletionChoiceWire> Choices { get; set; } = [];
    public UsageWire? Usage { get; set; }

    /// <summary>Hearth extension on the last streamed chunk: the ledger figures (<c>energy_wh</c>, <c>carbon_g</c>, <c>entry_id</c>, …), see docs/api.md.</summary>
    public Dictionary<string, string>? Hearth { get; set; }
}

public sealed class CompletionChoiceWire
{
    public int Index { get; set; }
    public string Text { get; set; } = "";
    public string? FinishReason { get; set; }
}

public sealed class ModelWire
{
    public string Id { get; set; } = "";
    public string Object { get; set; } = "model";
    public long Created { get; set; }
    public string OwnedBy { get; set; } = "";
}

public sealed class ModelListWire
{
    public string Object { get; set; } = "list";
    public List<ModelWire> Data { get; set; } = [];
}

public sealed class EmbeddingRequest
{
    public string? Model { get; set; }

    [System.Text.Json.Serialization.JsonConverter(typeof(StringOrArrayConverter))]
    public List<string>? Input { get; set; }

    public string? EncodingFormat { get; set; }
    public int? Dimensions { get; set; }
    public string? User { get; set; }
}

public sealed class EmbeddingResponse
{
    public string Object { get; set; } = "list";
    public List<EmbeddingDataWire> Data { get; set; } = [];
    public string Model { get; set; } = "";
    public EmbeddingUsageWire Usage { get; set; } = new();
}

public sealed class EmbeddingDataWire
{
    public string Object { get; set; } = "embedding";
    public int Index { get; set; }
    public float[] Embedding { get; set; } = [];
}

public sealed class EmbeddingUsageWire
{
    public int PromptTokens { get; set; }
    public int TotalTokens { get; set; }
}

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed class ErrorEnvelopeWire
{
    public ErrorWire Error { get; set; } = new();
}

public sealed class ErrorWire
{
    public string Message { get; set; } = "";
    public string Type { get; set; } = "";

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public string? Param { get; set; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public string? Code { get; set; }
}
