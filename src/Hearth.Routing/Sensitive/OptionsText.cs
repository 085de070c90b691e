using Hearth.Contracts;
using System.Text;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// The text of a request's <see cref="ChatOptions"/> that leaves the node with it: instructions (redactable), and stop
/// sequences, the end-user id, tool names, descriptions and parameter schemas, and the response-format name, description
/// and schema (not redactable: rewriting them would change what the backend is asked to do).
/// </summary>
internal static class OptionsText
{
    /// <summary>Text that <see cref="RedactingChatClient"/> can replace by placeholders.</summary>
    public static string Redactable(ChatOptions? options) => options?.Instructions ?? string.Empty;

    /// <summary>Text that must go out verbatim, or not at all.</summary>
    public static string Verbatim(ChatOptions? options)
    {
        if (options is null)
        {
            return string.Empty;
        }
        var sb = new StringBuilder();
        foreach (var stop in options.StopSequences ?? [])
        {
            sb.Append(stop).Append('\n');
        }
        if (options.GetRequestFacts().EndUser is { } u)
        {
            sb.Append(u).Append('\n');
        }
        foreach (var tool in options.Tools ?? [])
        {
            sb.Append(tool.Name).Append('\n').Append(tool.Description).Append('\n');
            if (tool is AIFunctionDeclaration f)
            {
                sb.Append(f.JsonSchema.GetRawText()).Append('\n');
            }
        }
        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            sb.Append(json.SchemaName).Append('\n').Append(json.SchemaDescription).Append('\n');
            if (json.Schema is { } schema)
            {
                sb.Append(schema.GetRawText()).Append('\n');
            }
        }
        return sb.ToString();
    }
}
