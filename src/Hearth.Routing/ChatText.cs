using Microsoft.Extensions.AI;

namespace Hearth.Routing;

/// <summary>Text views of a conversation used by routing decisions.</summary>
internal static class ChatText
{
    /// <summary>The prompt the router judges: the last user message's text (all text when there is no user message).</summary>
    public static string Prompt(IEnumerable<ChatMessage> messages)
    {
        string? last = null;
        foreach (var m in messages)
        {
            if (m.Role == ChatRole.User)
            {
                last = m.Text;
            }
        }
        return last ?? string.Join('\n', messages.Select(m => m.Text));
    }
}
