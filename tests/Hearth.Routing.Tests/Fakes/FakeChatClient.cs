using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Tests.Fakes;

/// <summary>A hand-written fake backend: answers with a callback and records what it received.</summary>
public sealed class FakeChatClient(Func<IReadOnlyList<ChatMessage>, string> answer) : IChatClient
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public List<string> Received { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Interlocked.Increment(ref _calls);
        lock (Received)
        {
            Received.Add(string.Join("\n", list.Select(m => m.Text)));
        }
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer(list))));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var r = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var word in r.Text.Split(' '))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
