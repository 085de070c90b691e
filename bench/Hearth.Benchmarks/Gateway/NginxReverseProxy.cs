using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hearth.Benchmarks.Gateway;

/// <summary>nginx (Debian package) started on loopback as a plain reverse proxy in front of the fixed upstream, for reference.</summary>
public sealed class NginxReverseProxy : IDisposable
{
    private readonly Process _process;
    private readonly string _prefix;

    private NginxReverseProxy(Process process, string prefix, Uri baseAddress)
    {
        _process = process;
        _prefix = prefix;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Path of the nginx binary, or null when it is not installed.</summary>
    public static string? Find() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists);

    public static async Task<NginxReverseProxy> StartAsync(string binary, Uri upstream, CancellationToken cancellationToken)
    {
        var prefix = Path.Combine(Path.GetTempPath(), "hearth-nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        var port = FreePort();
        var conf = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(conf, string.Create(CultureInfo.InvariantCulture, $$"""
            worker_processes 1;
            daemon off;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{prefix}}/body;
              proxy_temp_path {{prefix}}/proxy;
              upstream fixed { server {{upstream.Host}}:{{upstream.Port}}; keepalive 256; }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://fixed;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_buffering off;
                }
              }
            }
            """), cancellationToken).ConfigureAwait(false);
        var process = Process.Start(new ProcessStartInfo(binary, ["-p", prefix, "-c", conf])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("nginx did not start");
        var proxy = new NginxReverseProxy(process, prefix, new Uri($"http://127.0.0.1:{port}/"));
        for (var i = 0; i < 50; i++)
        {
            if (process.HasExited)
            {
                var err = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                proxy.Dispose();
                throw new InvalidOperationException("nginx exited: " + err);
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return proxy;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
        proxy.Dispose();
        throw new InvalidOperationException("nginx did not start listening within 5 s");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
            // nginx may still hold a log open for a moment; the temp folder is harmless.
        }
    }
}
