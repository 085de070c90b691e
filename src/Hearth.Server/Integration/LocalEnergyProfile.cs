using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Hearth.Ledger.Chat;
using Hearth.Ledger.Entries;
using Hearth.Server.Backends;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Integration;

/// <summary>
/// CPU seconds per token of each local model as the ledger measured them: an exponentially weighted mean (weight 0.2 for
/// the newest) of <c>CpuSeconds / (TokensIn + TokensOut)</c> over the model's ledger entries. Thread-safe.
/// </summary>
internal sealed class LocalEnergyProfile
{
    private const double NewestWeight = 0.2;
    private readonly ConcurrentDictionary<string, double> _cpuSecondsPerToken = new(StringComparer.Ordinal);

    /// <summary>The measured figure for a model, or null before its first metered request.</summary>
    public double? CpuSecondsPerToken(string model) => _cpuSecondsPerToken.TryGetValue(model, out var v) ? v : null;

    public void Observe(string model, LedgerEntry entry)
    {
        var tokens = entry.TokensIn + entry.TokensOut;
        if (tokens <= 0 || entry.CpuSeconds <= 0 || double.IsNaN(entry.CpuSeconds))
        {
            return;
        }
        var perToken = entry.CpuSeconds / tokens;
        _cpuSecondsPerToken.AddOrUpdate(model, perToken, (_, old) => old + (NewestWeight * (perToken - old)));
    }

    /// <summary>A stage above metering that feeds a local model's ledger entries into this profile; other models pass through.</summary>
    public IChatClient Observe(IChatClient inner, ModelDescriptor model) =>
        model.Kind == BackendKind.Local ? new ObserverChatClient(inner, model.Id, this) : inner;

    private sealed class ObserverChatClient(IChatClient inner, string model, LocalEnergyProfile profile) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            Observe(response.AdditionalProperties);
            return response;
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var u in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                Observe(u.AdditionalProperties);
                yield return u;
            }
        }

        private void Observe(AdditionalPropertiesDictionary? props)
        {
            if (props?.TryGetValue(MeteringChatClient.EntryKey, out var e) == true && e is LedgerEntry entry)
            {
                profile.Observe(model, entry);
            }
        }
    }
}
