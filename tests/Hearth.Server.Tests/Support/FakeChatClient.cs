using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Support;

/// <summary>
/// A hand-written inner client for stage tests: records the options of every call and answers with <see cref="Answer"/> (a
/// response, or streamed as one update per item of <see cref="StreamedTexts"/> followed by a usage update).
/// </summary>
internal sealed class FakeChatClient : IChatClient
{
    public List<ChatOptions?> Calls { get; } = [];

    /// <summary>The non-streamed answer; by default "ok" with 5 tokens in and 3 out.</summary>
    public Func<IEnumerable<ChatMessage>, ChatOptions?, ChatResponse> Answer { get; init; } = (_, _) =>
        new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            ModelId = "fake", FinishReason = ChatFinishReason.Stop, Usage = new UsageDetails { InputTokenCount = 5, OutputTokenCount = 3, TotalTokenCount = 8 },
        };

    /// <summary>The streamed answer's text pieces; the last text update carries the finish reason.</summary>
    public IReadOnlyList<string> StreamedTexts { get; init; } = ["o", "k"];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add(options);
        return Task.FromResult(Answer(messages, options));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls.Add(options);
        for (var i = 0; i < StreamedTexts.Count; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, StreamedTexts[i])
            {
                ModelId = "fake", FinishReason = i == StreamedTexts.Count - 1 ? ChatFinishReason.Stop : null,
            };
        }
        yield return new ChatResponseUpdate
        {
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = 5, OutputTokenCount = StreamedTexts.Count, TotalTokenCount = 5 + StreamedTexts.Count })],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
