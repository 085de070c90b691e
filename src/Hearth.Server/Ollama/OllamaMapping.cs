using System.Text.Json;
using Hearth.Server.Errors;
using Hearth.Server.Ollama.Wire;
using Hearth.Server.OpenAi;
using Hearth.Server.OpenAi.Wire;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Ollama;

/// <summary>Ollama request fields → <see cref="ChatOptions"/> and <see cref="ChatMessage"/>.</summary>
internal static class OllamaMapping
{
    public static ChatOptions ToChatOptions(OllamaOptions? o, JsonElement? format, List<ToolWire>? tools)
    {
        var options = new ChatOptions
        {
            Temperature = o?.Temperature,
            TopP = o?.TopP,
            TopK = o?.TopK,
            Seed = o?.Seed,
            MaxOutputTokens = o?.NumPredict is > 0 ? o.NumPredict : null,
            StopSequences = o?.Stop,
            PresencePenalty = o?.PresencePenalty,
            FrequencyPenalty = o?.FrequencyPenalty,
            AdditionalProperties = [],
        };
        if (o?.Temperature is < 0 or > 2) { throw new ApiException(400, "invalid_request_error", "options.temperature must be between 0 and 2.", "options.temperature"); }
        if (o?.TopP is <= 0 or > 1) { throw new ApiException(400, "invalid_request_error", "options.top_p must be in (0, 1].", "options.top_p"); }
        options.ResponseFormat = format switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } f when f.GetString() == "json" => ChatResponseFormat.Json,
            { ValueKind: JsonValueKind.String } f when f.GetString() == "" => null,
            { ValueKind: JsonValueKind.Object } f => ChatResponseFormat.ForJsonSchema(f.Clone(), "response"),
            _ => throw new ApiException(400, "invalid_request_error", "format must be \"json\" or a JSON Schema object.", "format"),
        };
        if (tools is { Count: > 0 })
        {
            for (var i = 0; i < tools.Count; i++)
            {
                if (tools[i] is null || string.IsNullOrWhiteSpace(tools[i].Function?.Name))
                {
                    throw new ApiException(400, "invalid_request_error",
                        $"tools[{i}] must be {{\"type\":\"function\",\"function\":{{\"name\":...}}}}.", $"tools[{i}]");
                }
            }
            var mapped = OpenAiRequestMapping.ToChatOptions(new ChatCompletionRequest { Model = "x", Tools = tools });
            options.Tools = mapped.Tools;
        }
        return options;
    }

    public static List<ChatMessage> ToChatMessages(List<OllamaMessage>? messages)
    {
        if (messages is null)
        {
            throw new ApiException(400, "invalid_request_error", "messages is required.", "messages");
        }
        var wire = new List<ChatMessageWire>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i] ?? throw new ApiException(400, "invalid_request_error", $"messages[{i}] must be an object.", $"messages[{i}]");
            if (m.Images is { Count: > 0 })
            {
                throw new ApiException(400, "invalid_request_error", $"messages[{i}].images: images are not supported by Hearth's models.", $"messages[{i}].images");
            }
            var w = new ChatMessageWire { Role = m.Role, Content = m.Content ?? "" };
            if (m.Role == "tool")
            {
                // Ollama tool results carry no call id; pair them with the previous assistant call by position.
                w.ToolCallId = "call_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (m.ToolCalls is { Count: > 0 } calls)
            {
                w.ToolCalls = [.. calls.Select((c, k) => new ToolCallWire
                {
                    Id = $"call_{i}_{k}", Type = "function",
                    Function = new FunctionCallWire { Name = c.Function?.Name, Arguments = c.Function?.Arguments?.GetRawText() ?? "{}" },
                })];
            }
            wire.Add(w);
        }
        return OpenAiMessageMapping.ToChatMessages(wire);
    }

    public static void WriteToolCalls(Utf8JsonWriter w, IEnumerable<(string Name, string Arguments)> calls)
    {
        w.WriteStartArray("tool_calls");
        foreach (var (name, arguments) in calls)
        {
            w.WriteStartObject();
            w.WriteStartObject("function");
            w.WriteString("name", name);
            w.WritePropertyName("arguments");
            try
            {
                using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
                doc.RootElement.WriteTo(w);
            }
            catch (JsonException)
            {
                w.WriteStringValue(arguments);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
