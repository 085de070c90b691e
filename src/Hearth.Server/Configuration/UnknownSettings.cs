using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Hearth.Server.Configuration;

/// <summary>
/// Finds configuration keys that bind to nothing, with their full section path and the keys that section does have
/// (<c>Unknown setting 'Server:Prot'; Server has: Host, Port, …</c>), by walking the options types the way the binder does:
/// public properties (and constructor parameters) of objects, any key of a dictionary, indexes of a list or array.
/// </summary>
/// <remarks>
/// The binder's own <c>ErrorOnUnknownConfiguration</c> stays on as the backstop, but its text names the CLR type and not the
/// section, and stops at the first type. Keys are compared case-insensitively, as the binder does.
/// </remarks>
internal static class UnknownSettings
{
    /// <summary>Deepest section nesting walked; the options types nest 5 levels today.</summary>
    private const int MaxDepth = 16;

    /// <summary>One message per unknown key, in configuration order.</summary>
    public static List<string> Find(IConfiguration configuration, Type optionsType)
    {
        var problems = new List<string>();
        Walk(configuration.GetChildren(), optionsType, "", problems, 0);
        return problems;
    }

    private static void Walk(IEnumerable<IConfigurationSection> children, Type type, string path, List<string> problems, int depth)
    {
        if (depth > MaxDepth || IsLeaf(type))
        {
            return;
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in children)
            {
                Walk(child.GetChildren(), valueType, child.Path, problems, depth + 1);
            }
            return;
        }
        if (ElementType(type) is { } elementType)
        {
            foreach (var child in children)
            {
                Walk(child.GetChildren(), elementType, child.Path, problems, depth + 1);
            }
            return;
        }
        var members = Members(type);
        foreach (var child in children)
        {
            if (members.TryGetValue(child.Key, out var memberType))
            {
                Walk(child.GetChildren(), memberType, child.Path, problems, depth + 1);
                continue;
            }
            var known = string.Join(", ", members.Keys.Order(StringComparer.Ordinal));
            problems.Add(path.Length == 0
                ? $"Unknown setting '{child.Path}'; the top-level sections are: {known}."
                : $"Unknown setting '{child.Path}'; {path} has: {known}.");
        }
    }

    private static Dictionary<string, Type> Members(Type type)
    {
        var members = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.GetMethod is not null
                && property.GetCustomAttribute<ConfigurationKeyNameAttribute>() is var renamed)
            {
                members.TryAdd(renamed?.Name ?? property.Name, property.PropertyType);
            }
        }
        foreach (var parameter in type.GetConstructors().SelectMany(c => c.GetParameters()))
        {
            if (parameter.Name is { } name)
            {
                members.TryAdd(name, parameter.ParameterType);
            }
        }
        return members;
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(object)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid)
            || type == typeof(Uri) || type.IsAssignableTo(typeof(IConfiguration));
    }

    private static Type? DictionaryValueType(Type type)
    {
        foreach (var candidate in (Type[])[type, .. type.GetInterfaces()])
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() is var d
                && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>) || d == typeof(Dictionary<,>)))
            {
                return candidate.GetGenericArguments()[1];
            }
        }
        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        if (!type.IsAssignableTo(typeof(IEnumerable)))
        {
            return null;
        }
        foreach (var candidate in (Type[])[type, .. type.GetInterfaces()])
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }
        return null;
    }
}
