using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hearth.Contracts;
using Hearth.Server.Backends;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Http;

/// <summary>Server-sent events (<c>data: {json}\n\n</c>, flushed per event) and NDJSON lines, written straight to the response pipe.</summary>
internal static class StreamWriters
{
    public static void StartSse(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    public static ValueTask<System.IO.Pipelines.FlushResult> WriteEventAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> info, CancellationToken cancellationToken)
    {
        var pipe = response.BodyWriter;
        pipe.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(pipe, JsonOutput.WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, info);
        }
        pipe.Write("\n\n"u8);
        return pipe.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Ends an SSE stream that shutdown stopped (<see cref="ShutdownDrain"/>): an in-band error with code
    /// <c>shutting_down</c>, then <c>[DONE]</c>. Written without a token — the request's own is cancelled; the host's shutdown
    /// timeout bounds the writes.
    /// </summary>
    public static async Task EndStoppedSseAsync(HttpResponse response)
    {
        var error = new Errors.ApiException(503, "server_error", ShutdownDrain.StoppedMessage, null, ShutdownDrain.Code);
        await WriteEventAsync(response, ErrorResponses.ToWire(error), OpenAi.Wire.OpenAiJsonContext.Default.ErrorEnvelopeWire, CancellationToken.None).ConfigureAwait(false);
        await WriteDoneAsync(response, CancellationToken.None).ConfigureAwait(false);
    }

    public static ValueTask<System.IO.Pipelines.FlushResult> WriteDoneAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.BodyWriter.Write("data: [DONE]\n\n"u8);
        return response.BodyWriter.FlushAsync(cancellationToken);
    }

    public static ValueTask<System.IO.Pipelines.FlushResult> WriteLineAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var pipe = response.BodyWriter;
        using (var writer = new Utf8JsonWriter(pipe, JsonOutput.WriterOptions))
        {
            write(writer);
        }
        pipe.Write("\n"u8);
        return pipe.FlushAsync(cancellationToken);
    }

    /// <summary>Sets the headers of a chat response's typed results (<see cref="HearthHeaders"/>) and its <c>x-hearth-*</c> entries (before the body starts).</summary>
    public static void CopyHearthHeaders(HttpResponse response, ChatResponse chat)
    {
        CopyHearthHeaders(response, chat.AdditionalProperties);
        SetHeaders(response, HearthHeaders.Routing(chat.GetRoutingOutcome()));
    }

    /// <inheritdoc cref="CopyHearthHeaders(HttpResponse, ChatResponse)"/>
    public static void CopyHearthHeaders(HttpResponse response, ChatResponseUpdate update)
    {
        CopyHearthHeaders(response, update.AdditionalProperties);
        SetHeaders(response, HearthHeaders.Routing(update.GetRoutingOutcome()));
    }

    private static void SetHeaders(HttpResponse response, IEnumerable<KeyValuePair<string, string>> headers)
    {
        if (response.HasStarted)
        {
            return;
        }
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }
    }

    /// <summary>Copies <c>x-hearth-*</c> entries a pipeline stage put on a response into HTTP headers (before the body starts).</summary>
    public static void CopyHearthHeaders(HttpResponse response, AdditionalPropertiesDictionary? properties)
    {
        if (properties is null || response.HasStarted)
        {
            return;
        }
        foreach (var (key, value) in properties)
        {
            if (key.StartsWith(HearthChatProperties.HeaderPrefix, StringComparison.OrdinalIgnoreCase) && value is not null)
            {
                response.Headers[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// When the client sent <c>TE: trailers</c> and the connection supports trailers (HTTP/2, HTTP/3), declares the ledger
    /// headers as trailers (they are known only when the stream ends). Must run before the body starts.
    /// </summary>
    public static bool DeclareHearthTrailers(HttpContext context)
    {
        var te = context.Request.Headers.TE.ToString();
        if (!te.Contains("trailers", StringComparison.OrdinalIgnoreCase) || !context.Response.SupportsTrailers())
        {
            return false;
        }
        foreach (var name in s_trailerNames)
        {
            context.Response.DeclareTrailer(name);
        }
        return true;
    }

    private static readonly string[] s_trailerNames = ["x-hearth-energy-wh", "x-hearth-carbon-g", "x-hearth-water-l", "x-hearth-method"];

    /// <summary>Adds the declared ledger trailers collected from the stream.</summary>
    public static void AppendHearthTrailers(HttpContext context, Dictionary<string, string> hearth)
    {
        foreach (var name in s_trailerNames)
        {
            if (hearth.TryGetValue(name, out var value))
            {
                context.Response.AppendTrailer(name, value);
            }
        }
    }

    /// <summary>
    /// Collects the headers of the typed results and the <c>x-hearth-*</c> entries seen on any streamed update (the
    /// decision's come on the first, the ledger's on the last).
    /// </summary>
    public static void CollectHearth(Dictionary<string, string> into, ChatResponseUpdate update)
    {
        CollectHearth(into, update.AdditionalProperties);
        foreach (var (name, value) in HearthHeaders.Routing(update.GetRoutingOutcome()))
        {
            into[name] = value;
        }
    }

    /// <summary>Collects the <c>x-hearth-*</c> entries seen on any streamed update.</summary>
    public static void CollectHearth(Dictionary<string, string> into, AdditionalPropertiesDictionary? properties)
    {
        if (properties is null)
        {
            return;
        }
        foreach (var (key, value) in properties)
        {
            if (key.StartsWith(HearthChatProperties.HeaderPrefix, StringComparison.OrdinalIgnoreCase) && value is not null)
            {
                into[key.ToLowerInvariant()] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }
        }
    }

    /// <summary>The <c>hearth</c> extension field: header names without the <c>x-hearth-</c> prefix, dashes as underscores.</summary>
    public static Dictionary<string, string> ExtensionField(Dictionary<string, string> hearth) =>
        hearth.ToDictionary(kv => kv.Key[HearthChatProperties.HeaderPrefix.Length..].Replace('-', '_'), kv => kv.Value, StringComparer.Ordinal);
}
