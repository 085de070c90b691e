using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hearth.Inference.Templates;

/// <summary>Extracts tool calls from local model output (Hermes/Qwen <c>&lt;tool_call&gt;</c> blocks, Llama 3.x JSON).</summary>
public static class ToolCallParser
{
    private const string HermesOpen = "<tool_call>";
    private const string HermesClose = "</tool_call>";
    private const string PythonTag = "<|python_tag|>";

    // Keep non-ASCII text readable in arguments ("é", not "\u00E9"); the JSON stays valid.
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses <paramref name="modelOutput"/> in the given format. Never throws on bad model output; see the result's status.</summary>
    public static ToolCallParseResult Parse(string modelOutput, ToolCallFormat format)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        return format switch
        {
            ToolCallFormat.Hermes => ParseHermes(modelOutput),
            ToolCallFormat.Llama3Json => ParseLlama(modelOutput),
            _ => new ToolCallParseResult(ToolCallParseStatus.NoToolCalls, [], modelOutput),
        };
    }

    private static ToolCallParseResult ParseHermes(string output)
    {
        var calls = new List<ParsedToolCall>();
        var content = new StringBuilder();
        int pos = 0;
        while (true)
        {
            int open = output.IndexOf(HermesOpen, pos, StringComparison.Ordinal);
            if (open < 0)
            {
                content.Append(output, pos, output.Length - pos);
                break;
            }
            content.Append(output, pos, open - pos);
            int bodyStart = open + HermesOpen.Length;
            int close = output.IndexOf(HermesClose, bodyStart, StringComparison.Ordinal);
            // An unclosed last block happens when generation stops at EOS right after the JSON.
            string body = close < 0 ? output[bodyStart..] : output[bodyStart..close];
            if (!TryReadCall(body, calls.Count, out ParsedToolCall? call, out string? error))
            {
                return Malformed(output, calls, $"tool call {calls.Count + 1} at char {open}: {error}");
            }
            calls.Add(call!);
            if (close < 0)
            {
                pos = output.Length;
                break;
            }
            pos = close + HermesClose.Length;
        }
        return calls.Count == 0
            ? new ToolCallParseResult(ToolCallParseStatus.NoToolCalls, [], output)
            : new ToolCallParseResult(ToolCallParseStatus.ToolCalls, calls, content.ToString().Trim());
    }

    private static ToolCallParseResult ParseLlama(string output)
    {
        string text = output.Trim();
        bool tagged = text.StartsWith(PythonTag, StringComparison.Ordinal);
        if (tagged)
        {
            text = text[PythonTag.Length..].Trim();
        }
        foreach (string end in new[] { "<|eom_id|>", "<|eot_id|>" })
        {
            if (text.EndsWith(end, StringComparison.Ordinal))
            {
                text = text[..^end.Length].TrimEnd();
            }
        }
        if (!text.StartsWith('{'))
        {
            if (tagged && TryReadBuiltinCall(text, out ParsedToolCall? builtin))
            {
                return new ToolCallParseResult(ToolCallParseStatus.ToolCalls, [builtin!], "");
            }
            return tagged
                ? Malformed(output, [], "text after <|python_tag|> is neither a JSON tool call nor a tool.call(...) expression")
                : new ToolCallParseResult(ToolCallParseStatus.NoToolCalls, [], output);
        }
        // One object, or several separated by ';' (Llama 3.2 emits that for parallel calls).
        var calls = new List<ParsedToolCall>();
        int pos = 0;
        while (pos < text.Length)
        {
            int end = FindObjectEnd(text, pos);
            if (end < 0)
            {
                return LooksLikeCall(text) || tagged
                    ? Malformed(output, calls, $"tool call {calls.Count + 1}: unbalanced JSON object")
                    : new ToolCallParseResult(ToolCallParseStatus.NoToolCalls, [], output);
            }
            if (!TryReadCall(text[pos..end], calls.Count, out ParsedToolCall? call, out string? error))
            {
                return LooksLikeCall(text) || tagged
                    ? Malformed(output, calls, $"tool call {calls.Count + 1}: {error}")
                    : new ToolCallParseResult(ToolCallParseStatus.NoToolCalls, [], output);
            }
            calls.Add(call!);
            pos = end;
            while (pos < text.Length && (char.IsWhiteSpace(text[pos]) || text[pos] == ';'))
            {
                pos++;
            }
            if (pos < text.Length && text[pos] != '{')
            {
                return Malformed(output, calls, $"unexpected text after tool call {calls.Count}");
            }
        }
        return new ToolCallParseResult(ToolCallParseStatus.ToolCalls, calls, "");
    }

    private static bool LooksLikeCall(string text) => text.Contains("\"name\"", StringComparison.Ordinal)
        && (text.Contains("\"parameters\"", StringComparison.Ordinal) || text.Contains("\"arguments\"", StringComparison.Ordinal));

    // End (exclusive) of the JSON object starting at 'start', honouring strings and escapes; -1 if unbalanced.
    private static int FindObjectEnd(string text, int start)
    {
        int depth = 0;
        bool inString = false;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
                continue;
            }
            if (c == '"')
            {
                inString = true;
            }
            else if (c is '{' or '[')
            {
                depth++;
            }
            else if (c is '}' or ']')
            {
                if (--depth == 0)
                {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private static bool TryReadCall(string json, int index, out ParsedToolCall? call, out string? error)
    {
        call = null;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json.Trim(), documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            error = $"invalid JSON ({e.Message})";
            return false;
        }
        if (node is not JsonObject obj)
        {
            error = "expected a JSON object";
            return false;
        }
        if (obj["name"] is not JsonValue nameValue || !nameValue.TryGetValue(out string? name) || name.Length == 0)
        {
            error = "missing string field 'name'";
            return false;
        }
        JsonNode? arguments = obj["arguments"] ?? obj["parameters"];
        string argumentsJson;
        switch (arguments)
        {
            case null:
                argumentsJson = "{}";
                break;
            case JsonObject:
                argumentsJson = arguments.ToJsonString(s_compact);
                break;
            case JsonValue v when v.TryGetValue(out string? text):
                // Some models double-encode: "arguments": "{\"zone\": \"FR\"}".
                try
                {
                    if (JsonNode.Parse(text) is JsonObject inner)
                    {
                        argumentsJson = inner.ToJsonString(s_compact);
                        break;
                    }
                }
                catch (JsonException)
                {
                }
                error = $"arguments of '{name}' are a string that is not a JSON object";
                return false;
            default:
                error = $"arguments of '{name}' must be a JSON object";
                return false;
        }
        call = new ParsedToolCall(name, argumentsJson, MakeId(name, argumentsJson, index));
        error = null;
        return true;
    }

    // Llama 3.1 built-in tools: brave_search.call(query="...") / wolfram_alpha.call(query="...").
    private static bool TryReadBuiltinCall(string text, out ParsedToolCall? call)
    {
        call = null;
        int dot = text.IndexOf(".call(", StringComparison.Ordinal);
        if (dot <= 0 || !text.EndsWith(')'))
        {
            return false;
        }
        string name = text[..dot];
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return false;
        }
        string inner = text[(dot + 6)..^1];
        var args = new JsonObject();
        int i = 0;
        while (i < inner.Length)
        {
            while (i < inner.Length && (char.IsWhiteSpace(inner[i]) || inner[i] == ','))
            {
                i++;
            }
            if (i >= inner.Length)
            {
                break;
            }
            int eq = inner.IndexOf('=', i);
            if (eq < 0)
            {
                return false;
            }
            string key = inner[i..eq].Trim();
            i = eq + 1;
            if (i >= inner.Length || inner[i] != '"')
            {
                return false;
            }
            var value = new StringBuilder();
            i++;
            while (i < inner.Length && inner[i] != '"')
            {
                if (inner[i] == '\\' && i + 1 < inner.Length)
                {
                    i++;
                }
                value.Append(inner[i++]);
            }
            if (i >= inner.Length)
            {
                return false;
            }
            i++;
            args[key] = value.ToString();
        }
        string json = args.ToJsonString(s_compact);
        call = new ParsedToolCall(name, json, MakeId(name, json, 0));
        return true;
    }

    private static string MakeId(string name, string argumentsJson, int index)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{index}\n{name}\n{argumentsJson}")));
        return "call_" + Convert.ToHexStringLower(hash, 0, 12);
    }

    private static ToolCallParseResult Malformed(string output, List<ParsedToolCall> calls, string error) =>
        new(ToolCallParseStatus.Malformed, calls, output, error);
}
