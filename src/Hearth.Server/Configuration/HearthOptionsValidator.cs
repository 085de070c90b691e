using System.Net;

namespace Hearth.Server.Configuration;

/// <summary>Checks <see cref="HearthOptions"/> once at startup; every problem names its configuration key.</summary>
public static class HearthOptionsValidator
{
    public static void Validate(HearthOptions options)
    {
        var problems = new List<string>();
        var s = options.Server;
        if (s.Host != "localhost" && s.Host != "*" && !IPAddress.TryParse(s.Host, out _))
        {
            problems.Add($"Server:Host '{s.Host}' is not an IP address, 'localhost' or '*'.");
        }
        if (s.Port is < 0 or > 65535)
        {
            problems.Add($"Server:Port {s.Port} is outside 0..65535.");
        }
        if (s.MaxRequestBodyBytes < 1024)
        {
            problems.Add($"Server:MaxRequestBodyBytes {s.MaxRequestBodyBytes} is below 1024.");
        }
        if (s.ShutdownGraceSeconds is < 0 or > 3600)
        {
            problems.Add($"Server:ShutdownGraceSeconds {s.ShutdownGraceSeconds} is outside 0..3600.");
        }
        if (s.Protocols is not (ServerOptions.Http1 or ServerOptions.Http2))
        {
            problems.Add($"Server:Protocols '{s.Protocols}' is not {ServerOptions.Http1} or {ServerOptions.Http2}.");
        }
        if (s.Auth is not (ServerOptions.AuthAuto or ServerOptions.AuthRequired))
        {
            problems.Add($"Server:Auth '{s.Auth}' is not {ServerOptions.AuthAuto} or {ServerOptions.AuthRequired}.");
        }

        var l = options.Local;
        Positive(problems, "Local:MaxLoadedModels", l.MaxLoadedModels);
        Positive(problems, "Local:ConcurrentSequencesPerModel", l.ConcurrentSequencesPerModel);
        if (l.QueueCapacity < 0) { problems.Add($"Local:QueueCapacity {l.QueueCapacity} is negative."); }
        if (l.KeepAliveSeconds < 0) { problems.Add($"Local:KeepAliveSeconds {l.KeepAliveSeconds} is negative."); }
        if (l.MemoryCapBytes < 0) { problems.Add($"Local:MemoryCapBytes {l.MemoryCapBytes} is negative."); }
        if (l.Threads < 0) { problems.Add($"Local:Threads {l.Threads} is negative."); }
        if (l.ContextLength < 0) { problems.Add($"Local:ContextLength {l.ContextLength} is negative."); }
        Positive(problems, "Local:MaxEmbeddingTokensPerRequest", l.MaxEmbeddingTokensPerRequest);
        if (options.Server.MaxConcurrentConnections < 0) { problems.Add($"Server:MaxConcurrentConnections {options.Server.MaxConcurrentConnections} is negative."); }
        Positive(problems, "Server:MaxConnectionsPerIp", options.Server.MaxConnectionsPerIp);
        var pull = options.Pull;
        if (pull.MaxDownloadBytes < 0) { problems.Add($"Pull:MaxDownloadBytes {pull.MaxDownloadBytes} is negative."); }
        if (pull.MinFreeDiskBytes < 0) { problems.Add($"Pull:MinFreeDiskBytes {pull.MinFreeDiskBytes} is negative."); }
        Positive(problems, "Pull:IdleReadTimeoutSeconds", pull.IdleReadTimeoutSeconds);
        Positive(problems, "Pull:MaxSidecarBytes", pull.MaxSidecarBytes);

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var models = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Upstreams.Count; i++)
        {
            var u = options.Upstreams[i];
            var key = $"Upstreams:{i}";
            if (string.IsNullOrWhiteSpace(u.Name))
            {
                problems.Add($"{key}:Name is required.");
            }
            else if (!names.Add(u.Name))
            {
                problems.Add($"{key}:Name '{u.Name}' is used by two upstreams.");
            }
            if (!Uri.TryCreate(u.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{key}:BaseUrl '{u.BaseUrl}' is not an absolute http(s) URL.");
            }
            if (u.Models.Count == 0)
            {
                problems.Add($"{key}:Models is empty; list the model names this upstream serves.");
            }
            for (var m = 0; m < u.Models.Count; m++)
            {
                var (alias, remote) = UpstreamModelName.Parse(u.Models[m]);
                if (alias.Length == 0 || remote.Length == 0)
                {
                    problems.Add($"{key}:Models:{m} '{u.Models[m]}' must be 'name' or 'name=upstream-model'.");
                }
                else if (models.TryGetValue(alias, out var other))
                {
                    problems.Add($"{key}:Models:{m} '{alias}' is also served by upstream '{other}'.");
                }
                else
                {
                    models[alias] = u.Name;
                }
            }
            Positive(problems, key + ":TimeoutSeconds", u.TimeoutSeconds);
            Positive(problems, key + ":ConnectTimeoutSeconds", u.ConnectTimeoutSeconds);
            Positive(problems, key + ":StreamIdleTimeoutSeconds", u.StreamIdleTimeoutSeconds);
            Positive(problems, key + ":BreakerMinimumThroughput", u.BreakerMinimumThroughput);
            Positive(problems, key + ":BreakDurationSeconds", u.BreakDurationSeconds);
            if (u.ActiveParamsBillions is <= 0 or > 100_000 || double.IsNaN(u.ActiveParamsBillions))
            {
                problems.Add($"{key}:ActiveParamsBillions {u.ActiveParamsBillions} is outside (0, 100000].");
            }
            if (u.ProviderPue is < 1 or > 5 || double.IsNaN(u.ProviderPue))
            {
                problems.Add($"{key}:ProviderPue {u.ProviderPue} is outside [1, 5].");
            }
            if (u.MaxRetries is < 0 or > 10)
            {
                problems.Add($"{key}:MaxRetries {u.MaxRetries} is outside 0..10.");
            }
        }
        foreach (var error in options.Ledger.Validate())
        {
            problems.Add("Ledger:" + LedgerKey(error));
        }
        if (options.Routing is { } routing)
        {
            try
            {
                routing.Validate();
            }
            catch (Hearth.Routing.Policies.RoutingConfigurationException e)
            {
                problems.Add("Routing: " + e.Message);
            }
            var upstreamModels = options.Upstreams.SelectMany(u => u.Models).Select(m => UpstreamModelName.Parse(m).Alias).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(Hearth.Routing.Carbon.NodeCarbonEstimate.Validate(routing, upstreamModels));
        }
        if (options.Telemetry.OtlpEndpoint is { } otlp && !Uri.TryCreate(otlp, UriKind.Absolute, out _))
        {
            problems.Add($"Telemetry:OtlpEndpoint '{otlp}' is not an absolute URL.");
        }
        if (problems.Count > 0)
        {
            throw new HearthConfigException(problems);
        }
    }

    /// <summary>Turns the ledger's <c>Store.Connection: …</c> / <c>Budgets[0].Subject: …</c> into configuration key syntax.</summary>
    private static string LedgerKey(string error)
    {
        var colon = error.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return error;
        }
        var field = error[..colon].Replace("].", ":", StringComparison.Ordinal).Replace('[', ':').Replace(']', ':').Replace('.', ':');
        return field + error[colon..];
    }

    private static void Positive(List<string> problems, string key, int value)
    {
        if (value <= 0)
        {
            problems.Add($"{key} {value} must be positive.");
        }
    }
}

/// <summary>Parses an upstream model entry: <c>"name"</c> or <c>"name=upstream-model-id"</c>.</summary>
public static class UpstreamModelName
{
    public static (string Alias, string Remote) Parse(string entry)
    {
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? (entry.Trim(), entry.Trim()) : (entry[..eq].Trim(), entry[(eq + 1)..].Trim());
    }
}
