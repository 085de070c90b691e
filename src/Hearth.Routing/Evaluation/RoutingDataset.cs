using System.Text;
using System.Text.Json;

namespace Hearth.Routing.Evaluation;

/// <summary>
/// Reads and writes routing data as JSON Lines: one object per line,
/// <c>{"prompt": str, "weak_correct": bool|number, "strong_correct": bool|number, "weak_response": str?}</c>.
/// </summary>
public static class RoutingDataset
{
    /// <summary>Longest accepted line (characters); a longer line is rejected instead of buffered without bound.</summary>
    public const int MaxLineChars = 4 * 1024 * 1024;

    /// <summary>Reads every example of a JSON Lines file; blank lines are skipped.</summary>
    /// <exception cref="RoutingDataException">A line is not valid JSON or lacks a required field.</exception>
    public static IReadOnlyList<RoutingExample> Read(string path)
    {
        var result = new List<RoutingExample>();
        using var reader = new StreamReader(path, Encoding.UTF8);
        long lineNumber = 0;
        var line = new StringBuilder();
        while (ReadLine(reader, line, path, lineNumber + 1))
        {
            lineNumber++;
            var text = line.ToString();
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            result.Add(Parse(text, path, lineNumber));
        }
        return result;
    }

    /// <summary>Parses one JSON Lines record.</summary>
    public static RoutingExample Parse(string json, string file, long line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new RoutingDataException($"{file}:{line}: not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw RoutingDataException.At(file, line, "(root)", "expected a JSON object");
            }
            var prompt = root.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()!
                : throw RoutingDataException.At(file, line, "prompt", "missing or not a string");
            var weak = ReadQuality(root, "weak_correct", file, line);
            var strong = ReadQuality(root, "strong_correct", file, line);
            string? response = null;
            if (root.TryGetProperty("weak_response", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                response = r.ValueKind == JsonValueKind.String
                    ? r.GetString()
                    : throw RoutingDataException.At(file, line, "weak_response", "expected a string or null");
            }
            return new RoutingExample(prompt, weak, strong, response);
        }
    }

    /// <summary>Writes examples as JSON Lines (booleans for 0/1 qualities, numbers otherwise).</summary>
    public static void Write(string path, IEnumerable<RoutingExample> examples)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        var newline = "\n"u8.ToArray();
        foreach (var e in examples)
        {
            writer.WriteStartObject();
            writer.WriteString("prompt", e.Prompt);
            WriteQuality(writer, "weak_correct", e.WeakQuality);
            WriteQuality(writer, "strong_correct", e.StrongQuality);
            if (e.WeakResponse is not null)
            {
                writer.WriteString("weak_response", e.WeakResponse);
            }
            writer.WriteEndObject();
            writer.Flush();
            stream.Write(newline);
            writer.Reset();
        }
    }

    private static void WriteQuality(Utf8JsonWriter writer, string name, double value)
    {
        if (value is 0.0 or 1.0)
        {
            writer.WriteBoolean(name, value == 1.0);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    private static double ReadQuality(JsonElement root, string name, string file, long line)
    {
        if (!root.TryGetProperty(name, out var v))
        {
            throw RoutingDataException.At(file, line, name, "missing");
        }
        double q = v.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            JsonValueKind.Number => v.GetDouble(),
            _ => throw RoutingDataException.At(file, line, name, "expected a boolean or a number"),
        };
        return q is >= 0.0 and <= 1.0
            ? q
            : throw RoutingDataException.At(file, line, name, $"quality {q} is outside [0, 1]");
    }

    private static bool ReadLine(StreamReader reader, StringBuilder line, string file, long lineNumber)
    {
        line.Clear();
        int c;
        var any = false;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (c == '\n')
            {
                return true;
            }
            if (c != '\r')
            {
                if (line.Length >= MaxLineChars)
                {
                    throw RoutingDataException.At(file, lineNumber, "(line)", $"longer than {MaxLineChars} characters");
                }
                line.Append((char)c);
            }
        }
        return any;
    }
}
