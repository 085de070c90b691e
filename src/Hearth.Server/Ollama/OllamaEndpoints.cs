using Hearth.Contracts;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hearth.Server.Backends;
using Hearth.Server.Configuration;
using Hearth.Server.Errors;
using Hearth.Server.Http;
using Hearth.Server.Ollama.Wire;
using Hearth.Server.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Ollama;

/// <summary>
/// The Ollama API: <c>/api/chat</c>, <c>/api/generate</c> (NDJSON streaming, on by default as in Ollama), <c>/api/embed</c>,
/// <c>/api/tags</c>, <c>/api/ps</c>, <c>/api/show</c>, <c>/api/pull</c>, <c>/api/delete</c>, <c>/api/version</c>. Errors are <c>{"error":"..."}</c>.
/// Pull and delete write the model store and need an admin key; <c>/api/version</c> is open.
/// </summary>
internal sealed partial class OllamaEndpoints(ModelCatalog catalog, ModelBackends backends, HearthOptions options, TimeProvider time, Hearth.Routing.Hybrid.NodeRouter router)
{
    private readonly Pipeline.ChatClientResolver _resolver = new(backends, router, time);

    /// <summary>Reported by <c>/api/version</c>: Hearth's own API version.</summary>
    public const string Version = "0.1.0";

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/chat", ChatAsync);
        app.MapPost("/api/generate", GenerateAsync);
        app.MapPost("/api/embed", EmbedAsync);
        app.MapGet("/api/tags", TagsAsync);
        app.MapGet("/api/ps", PsAsync);
        app.MapPost("/api/show", ShowAsync);
        app.MapPost("/api/pull", PullAsync).RequireAuthorization(Auth.HearthAuth.AdminPolicy);
        app.MapDelete("/api/delete", DeleteAsync).RequireAuthorization(Auth.HearthAuth.AdminPolicy);
        app.MapGet("/api/version", async (HttpContext c) =>
        {
            c.Response.ContentType = "application/json";
            await StreamWriters.WriteLineAsync(c.Response, w =>
            {
                w.WriteStartObject();
                w.WriteString("version", Version);
                w.WriteEndObject();
            }, c.RequestAborted).ConfigureAwait(false);
        }).AllowAnonymous();
    }

    private ModelDescriptor Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ApiException(400, "invalid_request_error", "model is required", "model");
        }
        return catalog.Find(name)
            ?? (name.EndsWith(":latest", StringComparison.Ordinal) ? catalog.Find(name[..^7]) : null)
            ?? throw new ApiException(404, "not_found_error", $"model '{name}' not found; available: {string.Join(", ", catalog.Ids())}", "model");
    }

    private string Now() => time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private async Task ChatAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OllamaJsonContext.Default.OllamaChatRequest).ConfigureAwait(false);
        var resolved = _resolver.Resolve(context, request.Model ?? "", Resolve);
        var model = resolved.Model;
        var keepAlive = OllamaKeepAlive.Parse(request.KeepAlive);
        if (request.Messages is null or { Count: 0 })
        {
            // Ollama: a chat without messages only loads (or, with keep_alive 0, unloads) the model.
            await LoadOrUnloadAsync(context, model, keepAlive, chat: true).ConfigureAwait(false);
            return;
        }
        var messages = OllamaMapping.ToChatMessages(request.Messages);
        var options = OllamaMapping.ToChatOptions(request.Options, request.Format, request.Tools);
        options.ModelId = model.RemoteId ?? model.Id;
        SetKeepAlive(options, keepAlive);
        Pipeline.RequestFacts.Apply(context, options, resolved);
        await RunAsync(context, resolved.Client, model, messages, options, request.Stream != false, chat: true).ConfigureAwait(false);
    }

    private async Task GenerateAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OllamaJsonContext.Default.OllamaGenerateRequest).ConfigureAwait(false);
        var resolved = _resolver.Resolve(context, request.Model ?? "", Resolve);
        var model = resolved.Model;
        var keepAlive = OllamaKeepAlive.Parse(request.KeepAlive);
        if (string.IsNullOrEmpty(request.Prompt))
        {
            // Ollama: an empty prompt only loads (or, with keep_alive 0, unloads) the model.
            await LoadOrUnloadAsync(context, model, keepAlive, chat: false).ConfigureAwait(false);
            return;
        }
        var options = OllamaMapping.ToChatOptions(request.Options, request.Format, null);
        options.ModelId = model.RemoteId ?? model.Id;
        SetKeepAlive(options, keepAlive);
        Pipeline.RequestFacts.Apply(context, options, resolved);
        List<ChatMessage> messages = [];
        if (request.Raw == true)
        {
            options.SetRawPrompt(true);
        }
        else if (!string.IsNullOrEmpty(request.System))
        {
            messages.Add(new ChatMessage(ChatRole.System, request.System));
        }
        messages.Add(new ChatMessage(ChatRole.User, request.Prompt));
        await RunAsync(context, resolved.Client, model, messages, options, request.Stream != false, chat: false).ConfigureAwait(false);
    }

    private static void SetKeepAlive(ChatOptions options, TimeSpan? keepAlive)
    {
        if (keepAlive is { } k)
        {
            options.SetKeepAlive(k);
        }
    }

    /// <summary>
    /// Loads a local model now (setting its keep-alive) or, with <c>keep_alive: 0</c>, unloads it; answers with one done object
    /// (<c>done_reason</c> <c>load</c> / <c>unload</c>). Upstream models have nothing to load.
    /// </summary>
    private async Task LoadOrUnloadAsync(HttpContext context, ModelDescriptor model, TimeSpan? keepAlive, bool chat)
    {
        var reason = "load";
        if (model.Kind == BackendKind.Local && model.FilePath is not null && backends.Local is { } local)
        {
            if (keepAlive == TimeSpan.Zero)
            {
                if (!local.TryUnload(model.Id))
                {
                    throw new ApiException(409, "invalid_request_error", $"model '{model.Id}' is generating right now; retry when it is idle", "model") { RetryAfterSeconds = 1 };
                }
                reason = "unload";
            }
            else
            {
                await local.PreloadAsync(model, keepAlive, context.RequestAborted).ConfigureAwait(false);
            }
        }
        await StreamWriters.WriteLineAsync(context.Response, w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model.Id);
            w.WriteString("created_at", Now());
            if (chat)
            {
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", "");
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("response", "");
            }
            w.WriteBoolean("done", true);
            w.WriteString("done_reason", reason);
            w.WriteEndObject();
        }, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task RunAsync(HttpContext context, IChatClient client, ModelDescriptor model, List<ChatMessage> messages, ChatOptions options, bool stream, bool chat)
    {
        var ct = context.RequestAborted;
        var started = Stopwatch.GetTimestamp();
        var response = context.Response;
        if (!stream)
        {
            var result = await client.GetResponseAsync(messages, options, ct).ConfigureAwait(false);
            StreamWriters.CopyHearthHeaders(response, HearthHeaders.Of(result));
            var answered = AnsweringModel.Resolve(response, result.GetRoutingOutcome(), model.Id);
            var calls = result.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()
                .Select(c => (c.Name, OpenAiMessageMapping.ArgumentsJson(c))).ToList();
            response.ContentType = "application/json";
            await StreamWriters.WriteLineAsync(response, w => WriteLine(w, answered, chat, result.Text, calls, true,
                result.FinishReason?.Value ?? "stop", result.Usage, started), ct).ConfigureAwait(false);
            return;
        }
        await using var e = client.GetStreamingResponseAsync(messages, options, ct).GetAsyncEnumerator(ct);
        var has = await e.MoveNextAsync().ConfigureAwait(false);
        var answeredBy = model.Id;
        if (has)
        {
            StreamWriters.CopyHearthHeaders(response, HearthHeaders.Of(e.Current));
            answeredBy = AnsweringModel.Resolve(response, e.Current.GetRoutingOutcome(), model.Id);
        }
        var trailers = StreamWriters.DeclareHearthTrailers(context);
        response.ContentType = "application/x-ndjson";
        UsageDetails? usage = null;
        string? finish = null;
        var hearth = new Dictionary<string, string>(StringComparer.Ordinal);
        var toolCalls = new SortedDictionary<int, (string Name, StringBuilder Arguments)>();
        while (has)
        {
            var update = e.Current;
            StreamWriters.CollectHearth(hearth, HearthHeaders.Of(update));
            foreach (var c in update.Contents)
            {
                if (c is UsageContent u) { usage = u.Details; }
                else if (c is FunctionCallContent call)
                {
                    var index = call.GetToolCallWire()?.Index ?? toolCalls.Count;
                    if (!toolCalls.TryGetValue(index, out var acc))
                    {
                        acc = (call.Name, new StringBuilder());
                        toolCalls[index] = acc;
                    }
                    if (acc.Name.Length == 0 && call.Name.Length > 0) { toolCalls[index] = acc = (call.Name, acc.Arguments); }
                    acc.Arguments.Append(OpenAiMessageMapping.ArgumentsJson(call));
                }
            }
            finish ??= update.FinishReason?.Value;
            var text = update.Text;
            if (text.Length > 0)
            {
                await StreamWriters.WriteLineAsync(response, w => WriteLine(w, answeredBy, chat, text, null, false, null, null, started), ct).ConfigureAwait(false);
            }
            try
            {
                has = await e.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception caught) when (ErrorMapping.TryMap(caught) is { } error)
            {
                await StreamWriters.WriteLineAsync(response, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("error", error.Message);
                    w.WriteEndObject();
                }, ct).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (ShutdownDrain.StoppedByShutdown(context))
            {
                // The client's token is fine, the request's is cancelled: write with none (the host's shutdown timeout bounds it).
                await StreamWriters.WriteLineAsync(response, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("error", ShutdownDrain.StoppedMessage);
                    w.WriteEndObject();
                }, CancellationToken.None).ConfigureAwait(false);
                return;
            }
        }
        var calls2 = toolCalls.Values.Select(v => (v.Name, v.Arguments.ToString())).ToList();
        if (trailers)
        {
            StreamWriters.AppendHearthTrailers(context, hearth);
        }
        await StreamWriters.WriteLineAsync(response, w => WriteLine(w, answeredBy, chat, "", calls2, true, finish ?? "stop", usage, started, hearth), ct).ConfigureAwait(false);
    }

    private void WriteLine(Utf8JsonWriter w, string model, bool chat, string text, List<(string, string)>? calls, bool done, string? doneReason, UsageDetails? usage, long started,
        Dictionary<string, string>? hearth = null)
    {
        w.WriteStartObject();
        w.WriteString("model", model);
        w.WriteString("created_at", Now());
        if (chat)
        {
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", text);
            if (calls is { Count: > 0 })
            {
                OllamaMapping.WriteToolCalls(w, calls);
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("response", text);
        }
        w.WriteBoolean("done", done);
        if (done)
        {
            var totalNs = (long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1_000_000);
            w.WriteString("done_reason", doneReason switch { "tool_calls" => "stop", null => "stop", var r => r });
            w.WriteNumber("total_duration", totalNs);
            w.WriteNumber("load_duration", 0);
            w.WriteNumber("prompt_eval_count", usage?.InputTokenCount ?? 0);
            w.WriteNumber("prompt_eval_duration", 0);
            w.WriteNumber("eval_count", usage?.OutputTokenCount ?? 0);
            w.WriteNumber("eval_duration", totalNs);
            if (hearth is { Count: > 0 })
            {
                // Hearth extension on the final object: the ledger figures (known only now), see docs/api.md.
                w.WriteStartObject("hearth");
                foreach (var (key, value) in StreamWriters.ExtensionField(hearth))
                {
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }
        }
        w.WriteEndObject();
    }

    private async Task EmbedAsync(HttpContext context)
    {
        var request = await HttpJson.ReadAsync(context, OllamaJsonContext.Default.OllamaEmbedRequest).ConfigureAwait(false);
        var model = Resolve(request.Model);
        if (request.Input is not { Count: > 0 and <= 2048 })
        {
            throw new ApiException(400, "invalid_request_error", "input must be a string or an array of 1..2048 strings", "input");
        }
        if (request.Dimensions is <= 0)
        {
            throw new ApiException(400, "invalid_request_error", $"dimensions is {request.Dimensions}; it must be a positive integer.", "dimensions");
        }
        var started = Stopwatch.GetTimestamp();
        var embeddingOptions = new EmbeddingGenerationOptions { ModelId = model.RemoteId ?? model.Id, Dimensions = request.Dimensions, AdditionalProperties = [] };
        Pipeline.RequestFacts.ApplyIdentity(context, embeddingOptions);
        var result = await backends.GetEmbeddingGenerator(model).GenerateAsync(request.Input, embeddingOptions, context.RequestAborted).ConfigureAwait(false);
        StreamWriters.CopyHearthHeaders(context.Response, HearthHeaders.Of(result));
        context.Response.ContentType = "application/json";
        await StreamWriters.WriteLineAsync(context.Response, w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model.Id);
            w.WriteStartArray("embeddings");
            foreach (var embedding in result)
            {
                w.WriteStartArray();
                foreach (var v in embedding.Vector.Span) { w.WriteNumberValue(v); }
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteNumber("total_duration", (long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1_000_000));
            w.WriteNumber("load_duration", 0);
            w.WriteNumber("prompt_eval_count", result.Usage?.InputTokenCount ?? 0);
            w.WriteEndObject();
        }, context.RequestAborted).ConfigureAwait(false);
    }
}
