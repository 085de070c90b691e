using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>Converts .NET and JSON values into the template value model (None, bool, int, float, str, list, dict).</summary>
internal static class ValueConverter
{
    private const int MaxDepth = 64;

    public static object? FromJson(JsonNode? node, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"template input nested deeper than {MaxDepth} levels");
        }
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                {
                    var dict = new PyDict(obj.Count);
                    foreach (var pair in obj)
                    {
                        dict[pair.Key] = FromJson(pair.Value, depth + 1);
                    }
                    return dict;
                }
            case JsonArray array:
                {
                    var list = new List<object?>(array.Count);
                    foreach (JsonNode? item in array)
                    {
                        list.Add(FromJson(item, depth + 1));
                    }
                    return list;
                }
            default:
                return FromJsonValue(node.AsValue());
        }
    }

    private static object? FromJsonValue(JsonValue value)
    {
        if (value.TryGetValue(out string? s))
        {
            return s;
        }
        if (value.TryGetValue(out bool b))
        {
            return b;
        }
        if (value.TryGetValue(out long l))
        {
            return l;
        }
        if (value.TryGetValue(out double d))
        {
            return d;
        }
        if (value.TryGetValue(out JsonElement element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                JsonValueKind.Number when element.TryGetInt64(out long n) => n,
                JsonValueKind.Number => element.GetDouble(),
                _ => FromJson(JsonNode.Parse(element.GetRawText())),
            };
        }
        // Any other CLR value (int, Guid, DateTime...) goes through its JSON form.
        return FromJson(JsonNode.Parse(value.ToJsonString()));
    }

    public static object? FromObject(object? value, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"template input nested deeper than {MaxDepth} levels");
        }
        switch (value)
        {
            case null:
                return null;
            case string or bool or long or double:
                return value;
            case int or short or byte or sbyte or ushort or uint:
                return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            case float f:
                return (double)f;
            case decimal m:
                return (double)m;
            case JsonNode node:
                return FromJson(node, depth);
            case JsonElement element:
                return FromJson(JsonNode.Parse(element.GetRawText()), depth);
            case IDictionary dictionary:
                {
                    var dict = new PyDict(dictionary.Count);
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        dict[FromObject(entry.Key, depth + 1) ?? throw new ArgumentException("null dictionary key in template input")] = FromObject(entry.Value, depth + 1);
                    }
                    return dict;
                }
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                {
                    var dict = new PyDict();
                    foreach (var pair in pairs)
                    {
                        dict[pair.Key] = FromObject(pair.Value, depth + 1);
                    }
                    return dict;
                }
            case IEnumerable sequence:
                {
                    var list = new List<object?>();
                    foreach (object? item in sequence)
                    {
                        list.Add(FromObject(item, depth + 1));
                    }
                    return list;
                }
            default:
                throw new ArgumentException($"unsupported template input value of type {value.GetType().Name}");
        }
    }

    public static PyDict FromMessage(TemplateMessage message)
    {
        if (message.Json is not null)
        {
            return (PyDict)FromJson(message.Json)!;
        }
        var dict = new PyDict
        {
            ["role"] = message.Role,
            ["content"] = message.Content,
        };
        if (message.Name is not null)
        {
            dict["name"] = message.Name;
        }
        if (message.ToolCalls is not null)
        {
            dict["tool_calls"] = message.ToolCalls.Select(call => FromJson(call)).ToList();
        }
        if (message.ToolCallId is not null)
        {
            dict["tool_call_id"] = message.ToolCallId;
        }
        return dict;
    }
}
