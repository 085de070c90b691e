using System.Runtime.CompilerServices;
using Hearth.Routing.Hybrid;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// Redact-and-escalate for one request: sends text-only copies of the messages (and <see cref="ChatOptions.Instructions"/>)
/// with sensitive spans replaced by placeholders, and restores the original values in the answer. Non-text contents (images,
/// files, tool payloads) are dropped rather than sent. Tools, schemas and stop sequences are not rewritten: a request with
/// sensitive data there is never given to this client (see <see cref="RequestSensitivity.Redactable"/>).
/// Streaming is buffered (placeholders may be split across chunks) and replayed with the response's properties on the
/// first update. Single use per request.
/// </summary>
internal sealed class RedactingChatClient : DelegatingChatClient
{
    private readonly SensitiveDataDetector _detector;
    private readonly Redaction _redaction = new();

    public RedactingChatClient(IChatClient inner, SensitiveDataDetector detector)
        : base(inner)
    {
        _detector = detector;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var redacted = messages.Select(m =>
        {
            var text = MessageText.All(m, includeAuthor: false).TrimEnd('\n');
            return new ChatMessage(m.Role, _redaction.Redact(text, _detector.Detect(text)));
        }).ToList();
        var sent = options;
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            sent = options.Clone();
            sent.Instructions = _redaction.Redact(instructions, _detector.Detect(instructions));
        }
        var response = await base.GetResponseAsync(redacted, sent, cancellationToken).ConfigureAwait(false);
        var restored = response.Messages.Select(m => new ChatMessage(m.Role, _redaction.Restore(m.Text ?? string.Empty))).ToList();
        return new ChatResponse(restored)
        {
            ModelId = response.ModelId,
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            CreatedAt = response.CreatedAt,
            ResponseId = response.ResponseId,
            AdditionalProperties = response.AdditionalProperties,
        };
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in ResponseReplay.ToUpdates(response))
        {
            yield return update;
        }
    }
}
