using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Fakes;

/// <summary>
/// A hand-written backend that answers with fixed updates (joined for a non-streaming call), lets a callback stamp each
/// response or update before it is returned, and records the options of every call.
/// </summary>
internal sealed class ScriptedChatClient(string[] updates, Action<ChatResponse>? onResponse = null, Action<int, ChatResponseUpdate>? onUpdate = null) : IChatClient
{
    public List<ChatOptions?> Options { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Options.Add(options);
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Concat(updates)));
        onResponse?.Invoke(response);
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Options.Add(options);
        for (var i = 0; i < updates.Length; i++)
        {
            await Task.Yield();
            var update = new ChatResponseUpdate(ChatRole.Assistant, updates[i]);
            onUpdate?.Invoke(i, update);
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
