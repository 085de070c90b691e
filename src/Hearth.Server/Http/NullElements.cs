using System.Collections;
using System.Text.Json.Serialization.Metadata;

namespace Hearth.Server.Http;

/// <summary>
/// Finds a JSON <c>null</c> standing for an element of an array anywhere in a parsed request (<c>"messages":[null]</c>,
/// <c>"tools":[null]</c>, <c>"stop":[null]</c>, <c>"messages":[{"tool_calls":[null]}]</c>...). No request field of the OpenAI or
/// Ollama APIs gives a null element a meaning, and the mapping code indexes elements directly, so every request body is checked
/// once at the edge (<see cref="HttpJson.ReadAsync{T}"/>) instead of at each use.
/// </summary>
/// <remarks>
/// The walk follows the serializer's own metadata (the source-generated <see cref="JsonTypeInfo"/>), so a field added to a wire
/// type is covered without touching this file. Free-form values (<c>JsonElement</c>: schemas, tool arguments) and dictionaries
/// are not entered. Depth is bounded by the wire types (no type contains itself); <see cref="MaxDepth"/> guards the walk anyway.
/// </remarks>
internal static class NullElements
{
    /// <summary>Deepest nesting of wire objects and arrays walked (the deepest request path today has 4 levels).</summary>
    internal const int MaxDepth = 32;

    /// <summary>The JSON path of the first null array element (e.g. <c>messages[0].tool_calls[1]</c>), or null when there is none.</summary>
    public static string? FindFirst(object value, JsonTypeInfo info) => Walk(value, info, "", 0);

    private static string? Walk(object value, JsonTypeInfo info, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                {
                    // Only objects and arrays can hold a null element; strings, numbers and free-form JSON are not entered
                    // (and their paths are not built: this runs on every request).
                    if (property.Get?.Invoke(value) is not { } child
                        || !info.Options.TryGetTypeInfo(property.PropertyType, out var childInfo)
                        || !IsContainer(childInfo))
                    {
                        continue;
                    }
                    var found = Walk(child, childInfo, path.Length == 0 ? property.Name : path + "." + property.Name, depth + 1);
                    if (found is not null)
                    {
                        return found;
                    }
                }
                return null;
            case JsonTypeInfoKind.Enumerable when value is IEnumerable items && info.ElementType is { } elementType:
                var elementInfo = info.Options.TryGetTypeInfo(elementType, out var e) && IsContainer(e) ? e : null;
                if (elementInfo is null && elementType.IsValueType && Nullable.GetUnderlyingType(elementType) is null)
                {
                    return null;   // e.g. a token-id array: no element can be null, and enumerating it would box every one
                }
                var index = 0;
                foreach (var item in items)
                {
                    if (item is null)
                    {
                        return ItemPath(path, index);
                    }
                    if (elementInfo is not null && Walk(item, elementInfo, ItemPath(path, index), depth + 1) is { } found)
                    {
                        return found;
                    }
                    index++;
                }
                return null;
            default:
                return null;
        }
    }

    private static bool IsContainer(JsonTypeInfo info) => info.Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Enumerable;

    private static string ItemPath(string path, int index) => $"{path}[{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";
}
