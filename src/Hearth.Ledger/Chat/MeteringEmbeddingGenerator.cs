using Hearth.Contracts;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Store;
using Microsoft.Extensions.AI;

namespace Hearth.Ledger.Chat;

/// <summary>
/// Meters every call of the inner embedding generator and appends its entry before the call completes, like
/// <see cref="MeteringChatClient"/> does for chat.
/// </summary>
/// <remarks>
/// <para>Request context comes from the options' typed request context, as for chat: <see cref="RequestFacts"/> (tenant,
/// key) and <see cref="ServingModel"/> (route, backend, version). Tokens in = the generator's input token count; tokens
/// out = 0. The entry's <see cref="MeterResult"/> (id, energy method, figures) is set on the result
/// (<see cref="RequestContext.GetMeterResult{TEmbedding}(GeneratedEmbeddings{TEmbedding}?)"/>); the whole entry goes to
/// <see cref="MeteringChatClientOptions.OnEntry"/>.</para>
/// <para>With a <see cref="MeteringChatClientOptions.Remote"/> profile the entry's method is <c>remote</c>, but the remote
/// formula counts output tokens only, so an upstream embedding's remote share is 0 Wh: the entry then holds the node's own
/// CPU energy and nothing for the provider's work. A failed or cancelled call is recorded with its outcome and the
/// exception propagates. Thread-safe.</para>
/// </remarks>
public sealed class MeteringEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    private readonly IRequestMeter _meter;
    private readonly ILedgerAppender _ledger;
    private readonly MeteringChatClientOptions _options;

    public MeteringEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, IRequestMeter meter, ILedgerAppender ledger, MeteringChatClientOptions? options = null)
        : base(innerGenerator)
    {
        _meter = meter ?? throw new ArgumentNullException(nameof(meter));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _options = options ?? new MeteringChatClientOptions();
    }

    public override async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var call = MeteredCall.Begin(_meter, _ledger, _options, options.GetRequestFacts(), options.GetServingModel(), null, options?.ModelId);
        GeneratedEmbeddings<TEmbedding> result;
        try
        {
            result = await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await call.AbortAsync(MeteredCall.OutcomeOf(ex, cancellationToken), ex).ConfigureAwait(false);
            throw;
        }
        call.ModelId = result.Count > 0 ? result[0].ModelId : null;
        var entry = await call.CompleteAsync(result.Usage?.InputTokenCount ?? 0, 0, RequestOutcome.Ok, cancellationToken).ConfigureAwait(false);
        result.SetMeterResult(MeteredCall.ResultOf(entry));
        return result;
    }
}

/// <summary>Pipeline extension for embeddings.</summary>
public static class MeteringEmbeddingGeneratorExtensions
{
    /// <summary>Wraps <paramref name="inner"/> in a <see cref="MeteringEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
    public static MeteringEmbeddingGenerator<TInput, TEmbedding> UseHearthMetering<TInput, TEmbedding>(this IEmbeddingGenerator<TInput, TEmbedding> inner,
        IRequestMeter meter, ILedgerAppender ledger, MeteringChatClientOptions? options = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new MeteringEmbeddingGenerator<TInput, TEmbedding>(inner, meter, ledger, options);
    }
}
