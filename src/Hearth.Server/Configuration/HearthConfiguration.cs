using Microsoft.Extensions.Configuration;

namespace Hearth.Server.Configuration;

/// <summary>Loads <see cref="HearthOptions"/>: <c>$HEARTH_HOME/appsettings.json</c> → env <c>HEARTH__...</c> → overrides; then validates.</summary>
public static class HearthConfiguration
{
    /// <summary>Environment variable prefix: <c>HEARTH__Server__Port=8080</c> sets <c>Server:Port</c>.</summary>
    public const string EnvironmentPrefix = "HEARTH__";

    /// <summary>Builds, binds and validates. Throws <see cref="HearthConfigException"/> naming each bad key.</summary>
    public static HearthOptions Load(IReadOnlyDictionary<string, string?>? overrides = null, string? settingsFile = null)
    {
        var home = HearthHome.Resolve(overrides is not null && overrides.TryGetValue("Home", out var h) ? h : null);
        var file = settingsFile ?? Path.Combine(home, "appsettings.json");
        IConfigurationRoot config;
        try
        {
            var builder = new ConfigurationBuilder();
            if (settingsFile is not null && !File.Exists(settingsFile))
            {
                throw new HearthConfigException([$"Settings file '{settingsFile}' does not exist."]);
            }
            if (File.Exists(file))
            {
                builder.AddJsonFile(file, optional: false, reloadOnChange: false);
            }
            builder.AddEnvironmentVariables(EnvironmentPrefix);
            if (overrides is not null)
            {
                builder.AddInMemoryCollection(overrides);
            }
            config = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new HearthConfigException([InvalidJson(file, e)], e);
        }

        if (UnknownSettings.Find(config, typeof(HearthOptions)) is { Count: > 0 } unknown)
        {
            throw new HearthConfigException(unknown);
        }
        HearthOptions options;
        try
        {
            options = config.Get<HearthOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new HearthOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new HearthConfigException([e.Message + (e.InnerException is null ? "" : " " + e.InnerException.Message)], e);
        }
        options = options with { Home = HearthHome.Resolve(options.Home) };
        HearthOptionsValidator.Validate(options);
        return options;
    }

    /// <summary>Where the JSON breaks (1-based line and column, from the parser's 0-based positions) and why, in one line.</summary>
    private static string InvalidJson(string file, Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Text.Json.JsonException { LineNumber: { } line } json)
            {
                var column = (json.BytePositionInLine ?? 0) + 1;
                // The parser's text ends with its own " LineNumber: n | BytePositionInLine: m." in 0-based form; ours replaces it.
                var reason = json.Message;
                var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
                reason = (cut > 0 ? reason[..cut] : reason).TrimEnd(' ', '.');
                return $"Settings file '{file}' is not valid JSON at line {line + 1}, column {column}: {reason}.";
            }
        }
        return $"Settings file '{file}' is not valid JSON: {e.Message}";
    }
}
