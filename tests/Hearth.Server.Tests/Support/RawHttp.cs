using System.Net.Sockets;
using System.Text;

namespace Hearth.Server.Tests.Support;

/// <summary>
/// Sends one HTTP/1.1 request with the request target written byte for byte (HttpClient and <see cref="Uri"/> would normalise
/// <c>/./</c>, <c>..</c> and percent-encoding before sending) and returns the status code and body.
/// </summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(Uri baseAddress, string method, string target, string? apiKey = null, string? body = null)
    {
        // Generous: one loopback request on a shared 2-core machine; only a hang would take this long.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
        await using var stream = client.GetStream();
        var content = body ?? (method is "POST" or "DELETE" ? "{}" : "");
        var request = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseAddress.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        if (apiKey is not null)
        {
            request.Append("Authorization: Bearer ").Append(apiKey).Append("\r\n");
        }
        if (content.Length > 0)
        {
            request.Append("Content-Type: application/json\r\nContent-Length: ").Append(Encoding.UTF8.GetByteCount(content)).Append("\r\n");
        }
        request.Append("\r\n").Append(content);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(timeout.Token);
        var statusLine = response[..response.IndexOf("\r\n", StringComparison.Ordinal)];
        var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, headerEnd < 0 ? "" : response[(headerEnd + 4)..]);
    }
}
