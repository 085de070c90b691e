using System.Text.Json;

namespace Hearth.Routing.Cascade;

/// <summary>
/// Checks a JSON value against the subset of JSON Schema that response formats use: <c>type</c> (string or list),
/// <c>properties</c>, <c>required</c>, <c>additionalProperties: false</c>, <c>items</c>, <c>enum</c>. Other keywords are ignored.
/// </summary>
internal static class JsonSchemaSubset
{
    private const int MaxDepth = 32;

    public static bool Validate(JsonElement schema, JsonElement value, out string error) => Check(schema, value, "$", 0, out error);

    private static bool Check(JsonElement schema, JsonElement value, string path, int depth, out string error)
    {
        error = string.Empty;
        if (depth > MaxDepth)
        {
            error = $"{path}: nested deeper than {MaxDepth}";
            return false;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return true;
        }
        if (schema.TryGetProperty("type", out var type) && !TypeMatches(type, value))
        {
            error = $"{path}: expected type {type.GetRawText()}, got {value.ValueKind}";
            return false;
        }
        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array &&
            !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            error = $"{path}: value not in enum";
            return false;
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in required.EnumerateArray())
                {
                    if (r.ValueKind == JsonValueKind.String && !value.TryGetProperty(r.GetString()!, out _))
                    {
                        error = $"{path}: missing required property '{r.GetString()}'";
                        return false;
                    }
                }
            }
            var hasProps = schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object;
            var closed = schema.TryGetProperty("additionalProperties", out var ap) && ap.ValueKind == JsonValueKind.False;
            foreach (var p in value.EnumerateObject())
            {
                if (hasProps && props.TryGetProperty(p.Name, out var sub))
                {
                    if (!Check(sub, p.Value, path + "." + p.Name, depth + 1, out error))
                    {
                        return false;
                    }
                }
                else if (closed)
                {
                    error = $"{path}: unexpected property '{p.Name}'";
                    return false;
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            int i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (!Check(items, item, $"{path}[{i++}]", depth + 1, out error))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static bool TypeMatches(JsonElement type, JsonElement value)
    {
        if (type.ValueKind == JsonValueKind.Array)
        {
            return type.EnumerateArray().Any(t => TypeMatches(t, value));
        }
        return type.ValueKind != JsonValueKind.String || type.GetString() switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            _ => true,
        };
    }
}
