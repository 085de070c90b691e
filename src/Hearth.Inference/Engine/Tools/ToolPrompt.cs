using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Inference.Templates;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Engine.Tools;

/// <summary>Renders messages, earlier tool calls and results, and tool definitions through the model's chat template.</summary>
internal static class ToolPrompt
{
    public static int[] Render(LoadedModel model, ChatTemplate template, IList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        var list = new List<TemplateMessage>();
        foreach (var m in messages)
        {
            var calls = m.Contents.OfType<FunctionCallContent>().ToList();
            var result = m.Contents.OfType<FunctionResultContent>().FirstOrDefault();
            if (result is not null)
            {
                var text = result.Result switch { null => "", string s => s, JsonElement e => e.GetRawText(), var o => o.ToString() ?? "" };
                list.Add(new TemplateMessage("tool", text) { ToolCallId = result.CallId });
                continue;
            }
            var message = new TemplateMessage(m.Role.Value, m.Text);
            if (calls.Count > 0)
            {
                message = message with
                {
                    ToolCalls = [.. calls.Select(c => new JsonObject
                    {
                        ["id"] = c.CallId,
                        ["type"] = "function",
                        ["function"] = new JsonObject
                        {
                            ["name"] = c.Name,
                            ["arguments"] = ParseObject(ToolCallArguments.ToJson(c)),
                        },
                    })],
                };
            }
            list.Add(message);
        }
        var tools = options.Tools!.OfType<AIFunctionDeclaration>().Select(f => new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = f.Name,
                ["description"] = f.Description,
                ["parameters"] = JsonNode.Parse(f.JsonSchema.GetRawText()),
            },
        }).ToList();
        var tokenizer = model.Tokenizer;
        var bos = tokenizer.BosTokenId >= 0 ? tokenizer.TokenText(tokenizer.BosTokenId) : "";
        var eos = tokenizer.EosTokenId >= 0 ? tokenizer.TokenText(tokenizer.EosTokenId) : "";
        var text2 = template.Render(new ChatTemplateInput(list, AddGenerationPrompt: true, bos, eos) { Tools = tools }, cancellationToken);
        var addBos = tokenizer.AddBosByDefault && tokenizer.BosTokenId >= 0 && !(bos.Length > 0 && text2.StartsWith(bos, StringComparison.Ordinal));
        return tokenizer.Encode(text2, addBos, parseSpecialTokens: true);
    }

    private static JsonNode ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) ?? new JsonObject();
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }
}
