using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Tests.Support;

/// <summary>
/// A real OpenAI-compatible server on loopback that records every request body it receives and answers with
/// <c>echo: &lt;last message content&gt;</c> (chat) or <c>echo: &lt;prompt&gt;</c> (<c>/v1/completions</c>), as JSON or SSE.
/// Standing in for a remote model in residency tests: whatever reaches it has left the node.
/// </summary>
internal sealed class RecordingUpstream : IAsyncDisposable
{
    public const string ModelId = "gpt";

    private LoopbackServer _server = null!;
    private readonly List<string> _bodies = [];

    private RecordingUpstream()
    {
    }

    public Uri BaseAddress => _server.BaseAddress;

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }
    }

    public static async Task<RecordingUpstream> StartAsync()
    {
        var self = new RecordingUpstream();
        self._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v1/chat/completions", c => self.AnswerAsync(c, chat: true));
            app.MapPost("/v1/completions", c => self.AnswerAsync(c, chat: false));
        });
        return self;
    }

    private async Task AnswerAsync(HttpContext context, bool chat)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        lock (_bodies)
        {
            _bodies.Add(body);
        }
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        string last;
        if (chat)
        {
            var messages = root.GetProperty("messages");
            var m = messages[messages.GetArrayLength() - 1];
            last = m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
        }
        else
        {
            var p = root.GetProperty("prompt");
            last = p.ValueKind == JsonValueKind.Array ? p[0].GetString()! : p.GetString()!;
        }
        var reply = "echo: " + last;
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var text = JsonSerializer.Serialize(reply);
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(chat
                ? $$$"""{"id":"chatcmpl-rec","object":"chat.completion","created":1700000000,"model":"{{{ModelId}}}","choices":[{"index":0,"message":{"role":"assistant","content":{{{text}}}},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"""
                : $$$"""{"id":"cmpl-rec","object":"text_completion","created":1700000000,"model":"{{{ModelId}}}","choices":[{"index":0,"text":{{{text}}},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""");
            return;
        }
        context.Response.ContentType = "text/event-stream";
        var sb = new StringBuilder();
        if (chat)
        {
            sb.Append($$$"""data: {"id":"chatcmpl-rec","object":"chat.completion.chunk","created":1700000000,"model":"{{{ModelId}}}","choices":[{"index":0,"delta":{"role":"assistant","content":{{{text}}}},"finish_reason":null}]}""").Append("\n\n");
            sb.Append($$$"""data: {"id":"chatcmpl-rec","object":"chat.completion.chunk","created":1700000000,"model":"{{{ModelId}}}","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""").Append("\n\n");
            sb.Append($$$"""data: {"id":"chatcmpl-rec","object":"chat.completion.chunk","created":1700000000,"model":"{{{ModelId}}}","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""").Append("\n\n");
        }
        else
        {
            sb.Append($$$"""data: {"id":"cmpl-rec","object":"text_completion","created":1700000000,"model":"{{{ModelId}}}","choices":[{"index":0,"text":{{{text}}},"finish_reason":"stop"}]}""").Append("\n\n");
        }
        sb.Append("data: [DONE]\n\n");
        await context.Response.WriteAsync(sb.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}
