using Hearth.Contracts;
using System.Text.Json;
using Hearth.Server.Backends;
using Hearth.Server.Errors;
using Hearth.Server.OpenAi.Wire;
using Microsoft.Extensions.AI;

namespace Hearth.Server.OpenAi;

/// <summary>Validates an OpenAI chat request and maps it to <see cref="ChatOptions"/>; and back, for upstream calls.</summary>
public static class OpenAiRequestMapping
{
    /// <summary>Checks the parameters the way OpenAI does and names the first bad one.</summary>
    public static void Validate(ChatCompletionRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Model))
        {
            throw ApiException.InvalidParameter("model", "'model' is required.");
        }
        if (r.N is { } n && n != 1)
        {
            throw ApiException.InvalidParameter("n", $"'n' is {n}; Hearth generates one choice per request (n must be 1).");
        }
        if (r.Temperature is { } t && (t < 0 || t > 2 || float.IsNaN(t)))
        {
            throw ApiException.InvalidParameter("temperature", $"'temperature' is {t}; it must be between 0 and 2.");
        }
        if (r.TopP is { } p && (p <= 0 || p > 1 || float.IsNaN(p)))
        {
            throw ApiException.InvalidParameter("top_p", $"'top_p' is {p}; it must be in (0, 1].");
        }
        if (r.MaxTokens is { } mt && mt < 1)
        {
            throw ApiException.InvalidParameter("max_tokens", $"'max_tokens' is {mt}; it must be at least 1.");
        }
        if (r.MaxCompletionTokens is { } mct && mct < 1)
        {
            throw ApiException.InvalidParameter("max_completion_tokens", $"'max_completion_tokens' is {mct}; it must be at least 1.");
        }
        if (r.TopLogprobs is { } tl)
        {
            if (tl is < 0 or > 20)
            {
                throw ApiException.InvalidParameter("top_logprobs", $"'top_logprobs' is {tl}; it must be between 0 and 20.");
            }
            if (r.Logprobs != true)
            {
                throw ApiException.InvalidParameter("logprobs", "'logprobs' must be true when 'top_logprobs' is set.");
            }
        }
        if (r.Stop is { Count: > 4 })
        {
            throw ApiException.InvalidParameter("stop", $"'stop' has {r.Stop.Count} sequences; at most 4 are allowed.");
        }
        if (r.FrequencyPenalty is { } fp && (fp < -2 || fp > 2))
        {
            throw ApiException.InvalidParameter("frequency_penalty", "'frequency_penalty' must be between -2 and 2.");
        }
        if (r.PresencePenalty is { } pp && (pp < -2 || pp > 2))
        {
            throw ApiException.InvalidParameter("presence_penalty", "'presence_penalty' must be between -2 and 2.");
        }
        if (r.ResponseFormat is { } rf)
        {
            switch (rf.Type)
            {
                case "text" or "json_object":
                    break;
                case "json_schema":
                    if (rf.JsonSchema?.Schema is not { ValueKind: JsonValueKind.Object })
                    {
                        throw ApiException.InvalidParameter("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON Schema object.");
                    }
                    break;
                default:
                    throw ApiException.InvalidParameter("response_format.type",
                        $"'response_format.type' is '{rf.Type}'; expected text, json_object or json_schema.");
            }
        }
        if (r.Tools is { } tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                if (tools[i]?.Type != "function" || string.IsNullOrWhiteSpace(tools[i].Function?.Name))
                {
                    throw ApiException.InvalidParameter($"tools[{i}]", $"'tools[{i}]' must be {{\"type\":\"function\",\"function\":{{\"name\":...}}}}.");
                }
            }
        }
        if (r.ToolChoice is { FunctionName: null, Mode: not ("none" or "auto" or "required") })
        {
            throw ApiException.InvalidParameter("tool_choice", $"'tool_choice' is '{r.ToolChoice.Mode}'; expected none, auto, required or a function.");
        }
    }

    public static ChatOptions ToChatOptions(ChatCompletionRequest r)
    {
        var options = new ChatOptions
        {
            ModelId = r.Model,
            MaxOutputTokens = r.MaxCompletionTokens ?? r.MaxTokens,
            Temperature = r.Temperature,
            TopP = r.TopP,
            Seed = r.Seed,
            StopSequences = r.Stop,
            FrequencyPenalty = r.FrequencyPenalty,
            PresencePenalty = r.PresencePenalty,
            AllowMultipleToolCalls = r.ParallelToolCalls,
        };
        var extra = new AdditionalPropertiesDictionary();
        options.AdditionalProperties = extra;
        if (r.User is not null) { options.SetRequestFacts(new RequestFacts { EndUser = r.User }); }
        if (r.Logprobs == true) { options.SetLogProbsRequest(new LogProbsRequest(r.TopLogprobs ?? 0)); }
        if (r.MaxCompletionTokens is not null) { options.SetUsesMaxCompletionTokensField(true); }
        options.ResponseFormat = r.ResponseFormat?.Type switch
        {
            "json_object" => ChatResponseFormat.Json,
            "json_schema" => ChatResponseFormat.ForJsonSchema(r.ResponseFormat.JsonSchema!.Schema!.Value,
                r.ResponseFormat.JsonSchema.Name, r.ResponseFormat.JsonSchema.Description),
            _ => null,
        };
        if (r.Tools is { Count: > 0 } tools)
        {
            options.Tools = [.. tools.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(
                t.Function!.Name!, t.Function.Description ?? "", t.Function.Parameters ?? EmptySchema))];
        }
        options.ToolMode = r.ToolChoice switch
        {
            null => null,
            { FunctionName: { } name } => ChatToolMode.RequireSpecific(name),
            { Mode: "none" } => ChatToolMode.None,
            { Mode: "required" } => ChatToolMode.RequireAny,
            _ => ChatToolMode.Auto,
        };
        return options;
    }

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    /// <summary>The upstream request for a call (model = the upstream's own model id).</summary>
    public static ChatCompletionRequest ToWireRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, string remoteModel, bool stream)
    {
        var extra = options?.AdditionalProperties;
        var r = new ChatCompletionRequest
        {
            Model = remoteModel,
            Messages = [.. messages.Select(OpenAiMessageMapping.ToWire)],
            Stream = stream ? true : null,
            StreamOptions = stream ? new StreamOptionsWire { IncludeUsage = true } : null,
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            Seed = options?.Seed,
            Stop = options?.StopSequences is { Count: > 0 } stop ? [.. stop] : null,
            FrequencyPenalty = options?.FrequencyPenalty,
            PresencePenalty = options?.PresencePenalty,
            ParallelToolCalls = options?.Tools is { Count: > 0 } ? options.AllowMultipleToolCalls : null,
            User = options.GetRequestFacts().EndUser,
            Logprobs = options.GetLogProbsRequest() is not null ? true : null,
            TopLogprobs = options.GetLogProbsRequest() is { TopAlternatives: > 0 } logProbs ? logProbs.TopAlternatives : null,
        };
        if (options.UsesMaxCompletionTokensField())
        {
            r.MaxCompletionTokens = options?.MaxOutputTokens;
        }
        else
        {
            r.MaxTokens = options?.MaxOutputTokens;
        }
        r.ResponseFormat = options?.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } json => new ResponseFormatWire
            {
                Type = "json_schema",
                JsonSchema = new JsonSchemaFormatWire { Name = json.SchemaName ?? "response", Description = json.SchemaDescription, Schema = schema },
            },
            ChatResponseFormatJson => new ResponseFormatWire { Type = "json_object" },
            _ => null,
        };
        if (options?.Tools is { Count: > 0 } tools)
        {
            r.Tools = [.. tools.OfType<AIFunctionDeclaration>().Select(f => new ToolWire
            {
                Type = "function",
                Function = new FunctionDefinitionWire { Name = f.Name, Description = string.IsNullOrEmpty(f.Description) ? null : f.Description, Parameters = f.JsonSchema },
            })];
            r.ToolChoice = options.ToolMode switch
            {
                RequiredChatToolMode { RequiredFunctionName: { } name } => new ToolChoiceWire { Mode = "function", FunctionName = name },
                RequiredChatToolMode => new ToolChoiceWire { Mode = "required" },
                NoneChatToolMode => new ToolChoiceWire { Mode = "none" },
                AutoChatToolMode => new ToolChoiceWire { Mode = "auto" },
                _ => null,
            };
        }
        return r;
    }
}
