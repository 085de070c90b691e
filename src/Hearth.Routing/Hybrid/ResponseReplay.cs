using Microsoft.Extensions.AI;

namespace Hearth.Routing.Hybrid;

/// <summary>
/// Replays a buffered <see cref="ChatResponse"/> as streaming updates with the response's AdditionalProperties (route,
/// reason, ledger figures) on the FIRST update — an HTTP edge sends headers before the first chunk, so anything on a later
/// update would be too late. (<c>ToChatResponseUpdates()</c> puts them on an extra last update.) Usage goes on the last update.
/// </summary>
internal static class ResponseReplay
{
    public static List<ChatResponseUpdate> ToUpdates(ChatResponse response)
    {
        var updates = new List<ChatResponseUpdate>(response.Messages.Count + 1);
        foreach (var m in response.Messages)
        {
            updates.Add(new ChatResponseUpdate(m.Role, [.. m.Contents])
            {
                AuthorName = m.AuthorName,
                MessageId = m.MessageId,
                ResponseId = response.ResponseId,
                ModelId = response.ModelId,
                CreatedAt = response.CreatedAt,
                AdditionalProperties = m.AdditionalProperties is null ? null : new(m.AdditionalProperties),
            });
        }
        if (updates.Count == 0)
        {
            updates.Add(new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = response.ResponseId, ModelId = response.ModelId });
        }
        if (response.AdditionalProperties is { Count: > 0 } props)
        {
            var first = updates[0].AdditionalProperties ??= [];
            foreach (var (k, v) in props)
            {
                first[k] = v;
            }
        }
        var last = updates[^1];
        last.FinishReason = response.FinishReason;
        if (response.Usage is { } usage)
        {
            last.Contents.Add(new UsageContent(usage));
        }
        return updates;
    }
}
