using Hearth.Contracts;
using Hearth.Server.Backends;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Hearth.Server.OpenAi.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;

namespace Hearth.Server.OpenAi;

/// <summary>The OpenAI-compatible API: <c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/models</c>, <c>/v1/embeddings</c>.</summary>
internal sealed partial class OpenAiEndpoints(ModelCatalog catalog, ModelBackends backends, TimeProvider time, Hearth.Routing.Hybrid.NodeRouter router)
{
    private readonly Pipeline.ChatClientResolver _resolver = new(backends, router, time);

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", ChatCompletionsAsync);
        app.MapPost("/v1/completions", CompletionsAsync);
        app.MapGet("/v1/models", ListModelsAsync);
        app.MapGet("/v1/models/{**id}", GetModelAsync);
        app.MapPost("/v1/embeddings", EmbeddingsAsync);
    }

    private ModelDescriptor Resolve(string model) => catalog.Find(model) ?? throw ApiException.ModelNotFound(model, catalog.Ids());

    /// <summary>
    /// The client for a request: <c>hearth/auto</c>, an <c>x-hearth-policy</c> header or an API key with a routing policy →
    /// the router; else the model's own pipeline (see <see cref="Pipeline.ChatClientResolver"/>).
    /// </summary>
    private Pipeline.ResolvedChat ResolveClient(HttpContext context, string id) => _resolver.Resolve(context, id, Resolve);

    private ModelDescriptor AutoDescriptor() => _resolver.AutoDescriptor();

    private async Task ChatCompletionsAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OpenAiJsonContext.Default.ChatCompletionRequest).ConfigureAwait(false);
        OpenAiRequestMapping.Validate(request);
        var resolved = ResolveClient(context, request.Model!);
        var (client, model) = (resolved.Client, resolved.Model);
        var messages = OpenAiMessageMapping.ToChatMessages(request.Messages);
        var options = OpenAiRequestMapping.ToChatOptions(request);
        options.ModelId = model.RemoteId ?? model.Id;
        Pipeline.RequestFacts.Apply(context, options, resolved);
        var ct = context.RequestAborted;
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream != true)
        {
            var response = await client.GetResponseAsync(messages, options, ct).ConfigureAwait(false);
            StreamWriters.CopyHearthHeaders(context.Response, HearthHeaders.Of(response));
            var answered = AnsweringModel.Resolve(context.Response, response.GetRoutingOutcome(), model.Id);
            var wire = OpenAiResponseMapping.ToWire(response, answered, RequestIds.New("chatcmpl-"), created);
            await HttpJson.WriteAsync(context, wire, OpenAiJsonContext.Default.ChatCompletionResponse).ConfigureAwait(false);
            return;
        }
        await StreamChatAsync(context, client.GetStreamingResponseAsync(messages, options, ct), model.Id, created,
            request.StreamOptions?.IncludeUsage == true).ConfigureAwait(false);
    }

    private static async Task StreamChatAsync(HttpContext context, IAsyncEnumerable<ChatResponseUpdate> updates, string model, long created, bool includeUsage)
    {
        var ct = context.RequestAborted;
        var id = RequestIds.New("chatcmpl-");
        var response = context.Response;
        await using var e = updates.GetAsyncEnumerator(ct);
        // The first update is awaited before any byte is sent, so failures up to here are ordinary JSON errors with their status.
        var has = await e.MoveNextAsync().ConfigureAwait(false);
        if (has)
        {
            StreamWriters.CopyHearthHeaders(response, HearthHeaders.Of(e.Current));
            model = AnsweringModel.Resolve(response, e.Current.GetRoutingOutcome(), model);
        }
        var trailers = StreamWriters.DeclareHearthTrailers(context);
        StreamWriters.StartSse(response);
        var first = true;
        var finished = false;
        UsageDetails? usage = null;
        var hearth = new Dictionary<string, string>(StringComparer.Ordinal);
        while (has)
        {
            var update = e.Current;
            StreamWriters.CollectHearth(hearth, HearthHeaders.Of(update));
            var hasPayload = false;
            foreach (var c in update.Contents)
            {
                if (c is UsageContent u) { usage = u.Details; }
                else if (c is TextContent or FunctionCallContent) { hasPayload = true; }
            }
            if (hasPayload || update.FinishReason is not null || first)
            {
                finished |= update.FinishReason is not null;
                await StreamWriters.WriteEventAsync(response, OpenAiResponseMapping.ToChunk(update, model, id, created, first),
                    OpenAiJsonContext.Default.ChatCompletionChunk, ct).ConfigureAwait(false);
                first = false;
            }
            try
            {
                has = await e.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception caught) when (ErrorMapping.TryMap(caught) is { } error)
            {
                // Headers are gone; report in-band the way OpenAI does, then end the stream.
                await StreamWriters.WriteEventAsync(response, ErrorResponses.ToWire(error), OpenAiJsonContext.Default.ErrorEnvelopeWire, ct).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (ShutdownDrain.StoppedByShutdown(context))
            {
                await StreamWriters.EndStoppedSseAsync(response).ConfigureAwait(false);
                return;
            }
        }
        if (!finished)
        {
            var end = new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop };
            await StreamWriters.WriteEventAsync(response, OpenAiResponseMapping.ToChunk(end, model, id, created, first),
                OpenAiJsonContext.Default.ChatCompletionChunk, ct).ConfigureAwait(false);
        }
        if (includeUsage || hearth.Count > 0)
        {
            // The last chunk (no choices) carries usage when asked and the "hearth" extension with the ledger figures.
            var chunk = new ChatCompletionChunk
            {
                Id = id, Created = created, Model = model,
                Usage = includeUsage ? OpenAiResponseMapping.ToWire(usage ?? new UsageDetails()) : null,
                Hearth = hearth.Count > 0 ? StreamWriters.ExtensionField(hearth) : null,
            };
            await StreamWriters.WriteEventAsync(response, chunk, OpenAiJsonContext.Default.ChatCompletionChunk, ct).ConfigureAwait(false);
        }
        if (trailers)
        {
            StreamWriters.AppendHearthTrailers(context, hearth);
        }
        await StreamWriters.WriteDoneAsync(response, ct).ConfigureAwait(false);
    }

    private async Task CompletionsAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OpenAiJsonContext.Default.CompletionRequest).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(request.Model)) { throw ApiException.InvalidParameter("model", "'model' is required."); }
        if (request.Prompt is not { Count: 1 })
        {
            throw ApiException.InvalidParameter("prompt", "'prompt' must be one string (batches of prompts are not supported).");
        }
        if (request.N is { } n && n != 1) { throw ApiException.InvalidParameter("n", $"'n' is {n}; n must be 1."); }
        if (request.Echo == true) { throw ApiException.InvalidParameter("echo", "'echo' is not supported."); }
        if (request.Logprobs is not null) { throw ApiException.InvalidParameter("logprobs", "'logprobs' is not supported on /v1/completions; use /v1/chat/completions."); }
        var chat = new ChatCompletionRequest
        {
            Model = request.Model, MaxTokens = request.MaxTokens, Temperature = request.Temperature, TopP = request.TopP,
            Seed = request.Seed, Stop = request.Stop, User = request.User,
        };
        OpenAiRequestMapping.Validate(chat);
        var resolved = ResolveClient(context, request.Model);
        var (client, model) = (resolved.Client, resolved.Model);
        var options = OpenAiRequestMapping.ToChatOptions(chat);
        options.ModelId = model.RemoteId ?? model.Id;
        options.SetRawPrompt(true);
        Pipeline.RequestFacts.Apply(context, options, resolved);
        List<ChatMessage> messages = [new ChatMessage(ChatRole.User, request.Prompt[0])];
        var ct = context.RequestAborted;
        var id = RequestIds.New("cmpl-");
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream != true)
        {
            var response = await client.GetResponseAsync(messages, options, ct).ConfigureAwait(false);
            StreamWriters.CopyHearthHeaders(context.Response, HearthHeaders.Of(response));
            var answered = AnsweringModel.Resolve(context.Response, response.GetRoutingOutcome(), model.Id);
            await HttpJson.WriteAsync(context, new CompletionResponse
            {
                Id = id, Created = created, Model = answered,
                Choices = [new CompletionChoiceWire { Text = response.Text, FinishReason = response.FinishReason?.Value ?? "stop" }],
                Usage = OpenAiResponseMapping.ToWire(response.Usage),
            }, OpenAiJsonContext.Default.CompletionResponse).ConfigureAwait(false);
            return;
        }
        await StreamCompletionAsync(context, client.GetStreamingResponseAsync(messages, options, ct), model.Id, id, created,
            request.StreamOptions?.IncludeUsage == true).ConfigureAwait(false);
    }

    private Task ListModelsAsync(HttpContext context)
    {
        var models = catalog.List().Select(ToWire).ToList();
        if (router.IsAvailable)
        {
            models.Add(ToWire(AutoDescriptor()));
        }
        var list = new ModelListWire { Data = models };
        return HttpJson.WriteAsync(context, list, OpenAiJsonContext.Default.ModelListWire);
    }

    private Task GetModelAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        var model = router.IsAvailable && string.Equals(id, Hearth.Routing.Hybrid.NodeRouter.AutoModel, StringComparison.OrdinalIgnoreCase) ? AutoDescriptor() : Resolve(id);
        return HttpJson.WriteAsync(context, ToWire(model), OpenAiJsonContext.Default.ModelWire);
    }

    private static ModelWire ToWire(ModelDescriptor m) =>
        new() { Id = m.Id, Created = m.ModifiedAt.ToUnixTimeSeconds(), OwnedBy = m.OwnedBy };
}
