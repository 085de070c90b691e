namespace Hearth.Server.OpenAi.Wire;

/// <summary>A non-streamed chat completion (<c>object = "chat.completion"</c>).</summary>
public sealed class ChatCompletionResponse
{
    public string Id { get; set; } = "";
    public string Object { get; set; } = "chat.completion";
    public long Created { get; set; }
    public string Model { get; set; } = "";
    public List<ChatChoiceWire> Choices { get; set; } = [];
    public UsageWire? Usage { get; set; }
    public string? SystemFingerprint { get; set; }
}

public sealed class ChatChoiceWire
{
    public int Index { get; set; }
    public ChatMessageWire? Message { get; set; }
    public ChatMessageWire? Delta { get; set; }
    public LogprobsWire? Logprobs { get; set; }
    public string? FinishReason { get; set; }
}

/// <summary>A streamed chunk (<c>object = "chat.completion.chunk"</c>).</summary>
public sealed class ChatCompletionChunk
{
    public string Id { get; set; } = "";
    public string Object { get; set; } = "chat.completion.chunk";
    public long Created { get; set; }
    public string Model { get; set; } = "";
    public List<ChatChoiceWire> Choices { get; set; } = [];
    public UsageWire? Usage { get; set; }

    /// <summary>Hearth extension on the last chunk: the ledger figures and route (<c>energy_wh</c>, <c>carbon_g</c>, …), see docs/api.md.</summary>
    public Dictionary<string, string>? Hearth { get; set; }
}

public sealed class UsageWire
{
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public int TotalTokens { get; set; }
}

public sealed class LogprobsWire
{
    public List<TokenLogprobWire>? Content { get; set; }
}

public sealed class TokenLogprobWire
{
    public string Token { get; set; } = "";
    public float Logprob { get; set; }
    public List<int>? Bytes { get; set; }
    public List<TopLogprobWire>? TopLogprobs { get; set; }
}

public sealed class TopLogprobWire
{
    public string Token { get; set; } = "";
    public float Logprob { get; set; }
    public List<int>? Bytes { get; set; }
}
