using System.Text;
using System.Text.Json;
using Hearth.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hearth.Routing.Tests.Fakes;

/// <summary>
/// A real HTTP server on loopback (a <see cref="LoopbackServer"/> on port 0) standing in for a remote model: records every request body it receives and answers
/// {"content": "echo: &lt;last message&gt;"} (so placeholders come back and restoration can be checked).
/// </summary>
public sealed class RecordingUpstreamServer : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly List<string> _bodies = [];

    public RecordingUpstreamServer()
    {
        _server = LoopbackServer.Start(app => app.Run(RespondAsync));
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

    private async Task RespondAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        lock (_bodies)
        {
            _bodies.Add(body);
        }
        string last;
        using (var doc = JsonDocument.Parse(body))
        {
            var messages = doc.RootElement.GetProperty("messages");
            last = messages[messages.GetArrayLength() - 1].GetProperty("content").GetString() ?? string.Empty;
        }
        var reply = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["content"] = "echo: " + last });
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = reply.Length;
        await context.Response.Body.WriteAsync(reply, context.RequestAborted);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
