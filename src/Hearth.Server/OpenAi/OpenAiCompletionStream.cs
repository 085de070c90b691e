using Hearth.Contracts;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Hearth.Server.OpenAi.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Hearth.Server.OpenAi;

internal sealed partial class OpenAiEndpoints
{
    /// <summary>
    /// Streamed <c>/v1/completions</c>, with the same ledger contract as streamed chat: <c>x-hearth-entry-id</c> (and the
    /// method) as headers, the figures in a last chunk's <c>hearth</c> object (<c>choices: []</c>) and, when possible, trailers.
    /// </summary>
    private static async Task StreamCompletionAsync(HttpContext context, IAsyncEnumerable<ChatResponseUpdate> updates, string model, string id, long created, bool includeUsage)
    {
        var ct = context.RequestAborted;
        var response = context.Response;
        await using var e = updates.GetAsyncEnumerator(ct);
        var has = await e.MoveNextAsync().ConfigureAwait(false);
        if (has)
        {
            StreamWriters.CopyHearthHeaders(response, e.Current);
            model = AnsweringModel.Resolve(response, e.Current.GetRoutingOutcome(), model);
        }
        var trailers = StreamWriters.DeclareHearthTrailers(context);
        StreamWriters.StartSse(response);
        UsageDetails? usage = null;
        var hearth = new Dictionary<string, string>(StringComparer.Ordinal);
        while (has)
        {
            var u = e.Current;
            StreamWriters.CollectHearth(hearth, u);
            usage = u.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
            if (u.Text.Length > 0 || u.FinishReason is not null)
            {
                await StreamWriters.WriteEventAsync(response, new CompletionResponse
                {
                    Id = id, Created = created, Model = model,
                    Choices = [new CompletionChoiceWire { Text = u.Text, FinishReason = u.FinishReason?.Value }],
                }, OpenAiJsonContext.Default.CompletionResponse, ct).ConfigureAwait(false);
            }
            try
            {
                has = await e.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception caught) when (ErrorMapping.TryMap(caught) is { } error)
            {
                await StreamWriters.WriteEventAsync(response, ErrorResponses.ToWire(error), OpenAiJsonContext.Default.ErrorEnvelopeWire, ct).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (ShutdownDrain.StoppedByShutdown(context))
            {
                await StreamWriters.EndStoppedSseAsync(response).ConfigureAwait(false);
                return;
            }
        }
        if (includeUsage || hearth.Count > 0)
        {
            await StreamWriters.WriteEventAsync(response, new CompletionResponse
            {
                Id = id, Created = created, Model = model,
                Usage = includeUsage ? OpenAiResponseMapping.ToWire(usage ?? new UsageDetails()) : null,
                Hearth = hearth.Count > 0 ? StreamWriters.ExtensionField(hearth) : null,
            }, OpenAiJsonContext.Default.CompletionResponse, ct).ConfigureAwait(false);
        }
        if (trailers)
        {
            StreamWriters.AppendHearthTrailers(context, hearth);
        }
        await StreamWriters.WriteDoneAsync(response, ct).ConfigureAwait(false);
    }
}
