using System.Text;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Sensitive;

/// <summary>Every piece of text a message would carry upstream: text contents, function-call arguments and results, author name.</summary>
internal static class MessageText
{
    public static string All(ChatMessage message, bool includeAuthor = true)
    {
        var sb = new StringBuilder();
        if (includeAuthor && message.AuthorName is { } name)
        {
            sb.Append(name).Append('\n');
        }
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    sb.Append(t.Text).Append('\n');
                    break;
                case TextReasoningContent r:
                    sb.Append(r.Text).Append('\n');
                    break;
                case FunctionCallContent f:
                    sb.Append(f.Name).Append('\n');
                    if (f.Arguments is not null)
                    {
                        foreach (var (k, v) in f.Arguments)
                        {
                            sb.Append(k).Append(": ").Append(v?.ToString()).Append('\n');
                        }
                    }
                    break;
                case FunctionResultContent fr:
                    sb.Append(fr.Result?.ToString()).Append('\n');
                    break;
                default:
                    break;
            }
        }
        return sb.ToString();
    }
}
