using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Hearth.Routing.Tests.Fakes;

/// <summary>
/// A real HTTP server on loopback standing in for a remote model: records every request body it receives and answers
/// {"content": "echo: &lt;last message&gt;"} (so placeholders come back and restoration can be checked).
/// </summary>
public sealed class RecordingUpstreamServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _bodies = [];

    public RecordingUpstreamServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseAddress { get; }

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

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            string body;
            using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
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
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength64 = reply.Length;
            await ctx.Response.OutputStream.WriteAsync(reply);
            ctx.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _stop.Dispose();
    }
}
