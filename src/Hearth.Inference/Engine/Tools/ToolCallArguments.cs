using System.Text;
using System.Text.Json;
using Hearth.Contracts;
using Microsoft.Extensions.AI;

namespace Hearth.Inference.Engine.Tools;

/// <summary>
/// A tool call's arguments between their JSON text (what a model writes and OpenAI's <c>function.arguments</c> carries) and
/// <see cref="FunctionCallContent.Arguments"/>. The text as written is kept in <see cref="ToolCallWire.RawArguments"/>, so a
/// call is re-emitted byte for byte even when the model wrote JSON that does not parse.
/// </summary>
public static class ToolCallArguments
{
    /// <summary>
    /// A call whose <see cref="FunctionCallContent.Arguments"/> hold the top-level members of <paramref name="argumentsJson"/>
    /// (as <see cref="JsonElement"/>s; null when it is not a JSON object) and whose <see cref="ToolCallWire"/> holds the text
    /// itself and <paramref name="index"/>.
    /// </summary>
    public static FunctionCallContent ToFunctionCall(string id, string name, string? argumentsJson, int? index = null)
    {
        Dictionary<string, object?>? args = null;
        if (!string.IsNullOrWhiteSpace(argumentsJson))
        {
            try
            {
                using var doc = JsonDocument.Parse(argumentsJson);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    args = [];
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        args[p.Name] = p.Value.Clone();
                    }
                }
            }
            catch (JsonException)
            {
                // Models do emit broken JSON; the raw text is kept and forwarded unchanged.
            }
        }
        var call = new FunctionCallContent(id, name, args);
        if (argumentsJson is not null || index is not null)
        {
            call.SetToolCallWire(new ToolCallWire(argumentsJson, index));
        }
        return call;
    }

    /// <summary>The arguments as JSON text: the raw text when the call carries it, else its arguments written as one object.</summary>
    /// <param name="call">The tool call.</param>
    /// <param name="options">How to write (e.g. an HTTP edge's escaping); default: System.Text.Json's defaults.</param>
    public static string ToJson(FunctionCallContent call, JsonWriterOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.GetToolCallWire()?.RawArguments is { } raw)
        {
            return raw;
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, options))
        {
            w.WriteStartObject();
            foreach (var (key, value) in call.Arguments ?? new Dictionary<string, object?>())
            {
                w.WritePropertyName(key);
                WriteValue(w, value);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case JsonElement e: e.WriteTo(w); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            case float f: w.WriteNumberValue(f); break;
            case decimal m: w.WriteNumberValue(m); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}
