using System.Text;
using System.Text.Json;
using Hearth.Contracts;
using Hearth.Inference.Engine.Tools;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Hearth.Server.OpenAi.Wire;
using ToolCallWire = Hearth.Server.OpenAi.Wire.ToolCallWire;
using Microsoft.Extensions.AI;

namespace Hearth.Server.OpenAi;

/// <summary>OpenAI wire messages ↔ <see cref="ChatMessage"/> (both directions: the server edge and the upstream client).</summary>
public static class OpenAiMessageMapping
{
    public static List<ChatMessage> ToChatMessages(List<ChatMessageWire>? wire, string param = "messages")
    {
        if (wire is null || wire.Count == 0)
        {
            throw ApiException.InvalidParameter(param, $"'{param}' must be a non-empty array of messages.");
        }
        var result = new List<ChatMessage>(wire.Count);
        for (var i = 0; i < wire.Count; i++)
        {
            var m = wire[i] ?? throw ApiException.InvalidParameter($"{param}[{i}]", $"'{param}[{i}]' must be an object.");
            var role = m.Role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "tool" or "function" => ChatRole.Tool,
                null => throw ApiException.InvalidParameter($"{param}[{i}].role", $"'{param}[{i}].role' is required."),
                _ => throw ApiException.InvalidParameter($"{param}[{i}].role",
                    $"'{param}[{i}].role' is '{m.Role}'; expected system, developer, user, assistant or tool."),
            };
            var contents = new List<AIContent>();
            if (role == ChatRole.Tool)
            {
                if (string.IsNullOrEmpty(m.ToolCallId))
                {
                    throw ApiException.InvalidParameter($"{param}[{i}].tool_call_id", $"'{param}[{i}].tool_call_id' is required for tool messages.");
                }
                contents.Add(new FunctionResultContent(m.ToolCallId, m.Content ?? ""));
            }
            else if (m.Content is not null)
            {
                contents.Add(new TextContent(m.Content));
            }
            if (m.ToolCalls is { } calls)
            {
                for (var k = 0; k < calls.Count; k++)
                {
                    var at = $"{param}[{i}].tool_calls[{k}]";
                    var call = calls[k] ?? throw ApiException.InvalidParameter(at, $"'{at}' must be an object.");
                    if (string.IsNullOrEmpty(call.Function?.Name))
                    {
                        throw ApiException.InvalidParameter(at + ".function", $"'{at}.function' must be an object with a 'name'.");
                    }
                    contents.Add(ToFunctionCall(call.Id ?? "", call.Function.Name, call.Function.Arguments));
                }
            }
            result.Add(new ChatMessage(role, contents) { AuthorName = m.Name });
        }
        return result;
    }

    /// <summary>A call with its arguments parsed (when they are a JSON object) and the text as received kept for re-emission.</summary>
    public static FunctionCallContent ToFunctionCall(string id, string name, string? argumentsJson) =>
        ToolCallArguments.ToFunctionCall(id, name, argumentsJson);

    /// <summary>A tool call's arguments as OpenAI's <c>function.arguments</c> string (the raw text when the backend kept it).</summary>
    public static string ArgumentsJson(FunctionCallContent call) => ToolCallArguments.ToJson(call, JsonOutput.WriterOptions);

    public static ChatMessageWire ToWire(ChatMessage message)
    {
        var wire = new ChatMessageWire { Role = message.Role.Value, Name = message.AuthorName };
        StringBuilder? text = null;
        foreach (var c in message.Contents)
        {
            switch (c)
            {
                case TextContent t:
                    (text ??= new StringBuilder()).Append(t.Text);
                    break;
                case FunctionCallContent call:
                    (wire.ToolCalls ??= []).Add(new ToolCallWire
                    {
                        Id = call.CallId, Type = "function",
                        Function = new FunctionCallWire { Name = call.Name, Arguments = ArgumentsJson(call) },
                    });
                    break;
                case FunctionResultContent result:
                    wire.Role = "tool";
                    wire.ToolCallId = result.CallId;
                    (text ??= new StringBuilder()).Append(result.Result switch
                    {
                        null => "",
                        string s => s,
                        JsonElement e => e.GetRawText(),
                        var o => o.ToString(),
                    });
                    break;
            }
        }
        wire.Content = text?.ToString() ?? (wire.ToolCalls is null ? "" : null);
        return wire;
    }

    /// <summary>The assistant text and tool calls of a response as one wire message.</summary>
    public static ChatMessageWire ToAssistantWire(IList<ChatMessage> messages)
    {
        var wire = new ChatMessageWire { Role = "assistant" };
        StringBuilder? text = null;
        foreach (var m in messages)
        {
            foreach (var c in m.Contents)
            {
                if (c is TextContent t)
                {
                    (text ??= new StringBuilder()).Append(t.Text);
                }
                else if (c is FunctionCallContent call)
                {
                    (wire.ToolCalls ??= []).Add(new ToolCallWire
                    {
                        Id = call.CallId, Type = "function",
                        Function = new FunctionCallWire { Name = call.Name, Arguments = ArgumentsJson(call) },
                    });
                }
            }
        }
        wire.Content = text?.ToString() ?? (wire.ToolCalls is null ? "" : null);
        return wire;
    }

    public static string? FinishReason(ChatFinishReason? reason) => reason?.Value;

    public static ChatFinishReason? ToFinishReason(string? value) => value switch
    {
        null => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(value),
    };
}
