using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hearth.Server.OpenAi.Wire;

/// <summary>Reads a JSON string or array of strings into a list (OpenAI's <c>stop</c>, <c>prompt</c>, <c>input</c>); writes an array.</summary>
public sealed class StringOrArrayConverter : JsonConverter<List<string>>
{
    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.StartArray:
                var list = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new JsonException("expected a string or an array of strings (token arrays are not supported)");
                    }
                    list.Add(reader.GetString()!);
                }
                return list;
            default:
                throw new JsonException("expected a string or an array of strings");
        }
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var s in value)
        {
            writer.WriteStringValue(s);
        }
        writer.WriteEndArray();
    }
}

/// <summary>Message <c>content</c>: a string, or an array of parts of which only <c>text</c> parts are accepted (joined in order).</summary>
public sealed class MessageContentConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                var text = new StringBuilder();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new JsonException("content parts must be objects");
                    }
                    string? type = null, partText = null;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var name = reader.GetString();
                        reader.Read();
                        if (name == "type" && reader.TokenType == JsonTokenType.String)
                        {
                            type = reader.GetString();
                        }
                        else if (name == "text" && reader.TokenType == JsonTokenType.String)
                        {
                            partText = reader.GetString();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    if (type != "text")
                    {
                        throw new JsonException($"content part type '{type}' is not supported (only 'text')");
                    }
                    text.Append(partText);
                }
                return text.ToString();
            default:
                throw new JsonException("content must be a string or an array of content parts");
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}

/// <summary><c>tool_choice</c>: "none" | "auto" | "required" | {"type":"function","function":{"name":...}}.</summary>
public sealed class ToolChoiceConverter : JsonConverter<ToolChoiceWire>
{
    public override ToolChoiceWire? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType == JsonTokenType.String)
        {
            return new ToolChoiceWire { Mode = reader.GetString() };
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("tool_choice must be a string or an object");
        }
        string? functionName = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "function" && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var inner = reader.GetString();
                    reader.Read();
                    if (inner == "name" && reader.TokenType == JsonTokenType.String)
                    {
                        functionName = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }
        return functionName is null
            ? throw new JsonException("tool_choice object must name a function")
            : new ToolChoiceWire { Mode = "function", FunctionName = functionName };
    }

    public override void Write(Utf8JsonWriter writer, ToolChoiceWire value, JsonSerializerOptions options)
    {
        if (value.FunctionName is null)
        {
            writer.WriteStringValue(value.Mode);
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", value.FunctionName);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
