using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Hearth.Routing.Sensitive;

/// <summary>
/// The last gate before a backend beyond the node: refuses (throws <see cref="ResidencyRefusedException"/>) any request
/// declared confidential (flag or confidential API key) or whose text — messages, and the option text that leaves with them
/// (instructions, tools and their schemas, response-format schema, stop sequences, user id) — still holds sensitive data. <see cref="Routing.HybridRouter"/> wraps every remote
/// backend in one, so a routing mistake cannot leak: it fails closed. Thread-safe.
/// </summary>
public sealed class ResidencyGuardChatClient : DelegatingChatClient
{
    private readonly SensitiveDataDetector _detector;
    private readonly string _backendName;
    private readonly IReadOnlySet<string> _confidentialApiKeys;
    private long _blocked;

    /// <param name="inner">The remote backend.</param>
    /// <param name="detector">The detector (same settings as the routing decision's).</param>
    /// <param name="backendName">Named in refusals.</param>
    /// <param name="confidentialApiKeys">API key ids whose requests count as declared confidential.</param>
    public ResidencyGuardChatClient(IChatClient inner, SensitiveDataDetector detector, string backendName, IReadOnlySet<string>? confidentialApiKeys = null)
        : base(inner)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _backendName = backendName;
        _confidentialApiKeys = confidentialApiKeys ?? new HashSet<string>();
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
        var s = RequestSensitivity.Assess(messages, options, _detector, _confidentialApiKeys);
        if (s.Declared)
        {
            Interlocked.Increment(ref _blocked);
            throw new ResidencyRefusedException($"Residency guard: a request declared confidential may not be sent to remote backend '{_backendName}'.");
        }
        if (s.Kinds.Count > 0)
        {
            Interlocked.Increment(ref _blocked);
            throw new ResidencyRefusedException($"Residency guard: sensitive data ({string.Join(", ", s.Kinds)}) may not be sent to remote backend '{_backendName}'.")
            {
                Kinds = [.. s.Kinds],
            };
        }
    }
}
