using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// The last gate before a backend beyond the node: refuses (throws <see cref="ResidencyRefusedException"/>) any request
/// declared confidential or whose text still holds sensitive data. <see cref="Routing.HybridRouter"/> wraps every remote
/// backend in one, so a routing mistake cannot leak: it fails closed. Thread-safe.
/// </summary>
public sealed class ResidencyGuardChatClient : DelegatingChatClient
{
    private readonly SensitiveDataDetector _detector;
    private readonly string _backendName;
    private long _blocked;

    public ResidencyGuardChatClient(IChatClient inner, SensitiveDataDetector detector, string backendName)
        : base(inner)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _backendName = backendName;
    }

    /// <summary>Requests this guard refused since it was created.</summary>
    public long BlockedCount => Interlocked.Read(ref _blocked);

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        Check(list, options);
        return base.GetResponseAsync(list, options, cancellationToken);
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        Check(list, options);
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private void Check(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(RoutingKeys.Confidential, out var c) == true && c is true)
        {
            Interlocked.Increment(ref _blocked);
            throw new ResidencyRefusedException($"Residency guard: a request declared confidential may not be sent to remote backend '{_backendName}'.");
        }
        var kinds = new HashSet<SensitiveKind>();
        foreach (var m in messages)
        {
            foreach (var span in _detector.Detect(MessageText.All(m)))
            {
                kinds.Add(span.Kind);
            }
        }
        if (kinds.Count > 0)
        {
            Interlocked.Increment(ref _blocked);
            throw new ResidencyRefusedException($"Residency guard: sensitive data ({string.Join(", ", kinds)}) may not be sent to remote backend '{_backendName}'.")
            {
                Kinds = [.. kinds],
            };
        }
    }
}
