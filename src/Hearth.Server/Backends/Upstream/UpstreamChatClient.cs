using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hearth.Contracts;
using Hearth.Server.OpenAi;
using Hearth.Server.OpenAi.Wire;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Backends.Upstream;

/// <summary>
/// <see cref="IChatClient"/> over an OpenAI-compatible upstream. <c>ChatOptions.ModelId</c> is the upstream's model id.
/// Streaming reads server-sent events; cancelling the token aborts the upstream request at once. Thread-safe; does not own the connection.
/// </summary>
public sealed class UpstreamChatClient(UpstreamConnection connection) : IChatClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(connection.Options.TimeoutSeconds));
        try
        {
            if (options.IsRawPrompt())
            {
                var completion = await PostAsync(UpstreamPaths.Completions, ToCompletionRequest(messages, options, stream: false),
                    OpenAiJsonContext.Default.CompletionRequest, OpenAiJsonContext.Default.CompletionResponse, deadline.Token).ConfigureAwait(false);
                var choice = completion.Choices.Count > 0 ? completion.Choices[0] : null;
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, choice?.Text ?? ""))
                {
                    ResponseId = completion.Id, ModelId = completion.Model,
                    FinishReason = OpenAiMessageMapping.ToFinishReason(choice?.FinishReason),
                    Usage = OpenAiResponseMapping.FromWire(completion.Usage),
                };
            }
            var request = OpenAiRequestMapping.ToWireRequest(messages, options, RemoteModel(options), stream: false);
            var wire = await PostAsync(UpstreamPaths.ChatCompletions, request,
                OpenAiJsonContext.Default.ChatCompletionRequest, OpenAiJsonContext.Default.ChatCompletionResponse, deadline.Token).ConfigureAwait(false);
            return OpenAiResponseMapping.FromWire(wire);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw UpstreamFailureException.Timeout(connection.Name, $"no complete response within {connection.Options.TimeoutSeconds} s.", e);
        }
    }

    private async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TRequest> requestInfo,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResponse> responseInfo, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, requestInfo);
        using var response = await connection.SendAsync(path, () => Content(bytes), cancellationToken).ConfigureAwait(false);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync(stream, responseInfo, cancellationToken).ConfigureAwait(false)
                ?? throw UpstreamFailureException.BadGateway(connection.Name, "answered with an empty body.");
        }
        catch (JsonException e)
        {
            throw UpstreamFailureException.BadGateway(connection.Name, $"answered with a body that is not an OpenAI response: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw UpstreamFailureException.BadGateway(connection.Name, $"connection lost while reading the response: {e.Message}", e);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var raw = options.IsRawPrompt();
        var bytes = raw
            ? JsonSerializer.SerializeToUtf8Bytes(ToCompletionRequest(messages, options, stream: true), OpenAiJsonContext.Default.CompletionRequest)
            : JsonSerializer.SerializeToUtf8Bytes(OpenAiRequestMapping.ToWireRequest(messages, options, RemoteModel(options), stream: true),
                OpenAiJsonContext.Default.ChatCompletionRequest);
        using var response = await connection.SendAsync(raw ? UpstreamPaths.Completions : UpstreamPaths.ChatCompletions,
            () => Content(bytes), cancellationToken).ConfigureAwait(false);
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw UpstreamFailureException.BadGateway(connection.Name, $"connection lost: {e.Message}", e);
        }
        await using var _ = stream.ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        // Each read gets the idle budget again: a stalled upstream is abandoned instead of holding the client (and a slot) forever.
        var idleTimeout = TimeSpan.FromSeconds(connection.Options.StreamIdleTimeoutSeconds);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            string? line;
            try
            {
                idle.CancelAfter(idleTimeout);
                line = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw UpstreamFailureException.Timeout(connection.Name, $"stream stalled: no data for {connection.Options.StreamIdleTimeoutSeconds} s.", e);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw UpstreamFailureException.BadGateway(connection.Name, $"stream broke off: {e.Message}", e);
            }
            if (line is null)
            {
                yield break;
            }
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }
            var data = line.AsSpan(5).Trim();
            if (data.SequenceEqual("[DONE]"))
            {
                yield break;
            }
            yield return raw ? ParseCompletionChunk(data) : ParseChatChunk(data);
        }
    }

    private ChatResponseUpdate ParseChatChunk(ReadOnlySpan<char> data)
    {
        try
        {
            var chunk = JsonSerializer.Deserialize(data, OpenAiJsonContext.Default.ChatCompletionChunk)
                ?? throw new JsonException("null chunk");
            return OpenAiResponseMapping.FromWire(chunk);
        }
        catch (JsonException e)
        {
            throw UpstreamFailureException.BadGateway(connection.Name, $"sent a stream chunk that is not OpenAI-shaped: {e.Message}", e);
        }
    }

    private ChatResponseUpdate ParseCompletionChunk(ReadOnlySpan<char> data)
    {
        try
        {
            var chunk = JsonSerializer.Deserialize(data, OpenAiJsonContext.Default.CompletionResponse) ?? throw new JsonException("null chunk");
            var choice = chunk.Choices.Count > 0 ? chunk.Choices[0] : null;
            var update = new ChatResponseUpdate(ChatRole.Assistant, choice?.Text ?? "")
            {
                ResponseId = chunk.Id, ModelId = chunk.Model, FinishReason = OpenAiMessageMapping.ToFinishReason(choice?.FinishReason),
            };
            if (OpenAiResponseMapping.FromWire(chunk.Usage) is { } usage)
            {
                update.Contents.Add(new UsageContent(usage));
            }
            return update;
        }
        catch (JsonException e)
        {
            throw UpstreamFailureException.BadGateway(connection.Name, $"sent a stream chunk that is not OpenAI-shaped: {e.Message}", e);
        }
    }

    private static ByteArrayContent Content(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = Json;
        return content;
    }

    private static string RemoteModel(ChatOptions? options) =>
        options?.ModelId ?? throw new ArgumentException("ChatOptions.ModelId must name the upstream model.", nameof(options));

    private static CompletionRequest ToCompletionRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream) => new()
    {
        Model = RemoteModel(options),
        Prompt = [string.Concat(messages.Select(m => m.Text))],
        Stream = stream ? true : null,
        StreamOptions = stream ? new StreamOptionsWire { IncludeUsage = true } : null,
        MaxTokens = options?.MaxOutputTokens,
        Temperature = options?.Temperature,
        TopP = options?.TopP,
        Seed = options?.Seed,
        Stop = options?.StopSequences is { Count: > 0 } s ? [.. s] : null,
    };

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("hearth-upstream", connection.BaseUri) : null;

    public void Dispose()
    {
    }
}

internal static class UpstreamPaths
{
    public const string ChatCompletions = "chat/completions";
    public const string Completions = "completions";
    public const string Embeddings = "embeddings";
}
