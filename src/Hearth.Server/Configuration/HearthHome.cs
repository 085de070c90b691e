namespace Hearth.Server.Configuration;

/// <summary>The node's home folder: <c>models/</c> (GGUF files), <c>downloads/</c> (partial pulls), <c>keys.json</c>, <c>appsettings.json</c>.</summary>
public static class HearthHome
{
    public const string EnvironmentVariable = "HEARTH_HOME";

    /// <summary>The explicit path if given, else <c>$HEARTH_HOME</c>, else <c>~/.hearth</c>; always absolute.</summary>
    public static string Resolve(string? explicitPath = null)
    {
        var path = !string.IsNullOrWhiteSpace(explicitPath) ? explicitPath
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".hearth");
        return Path.GetFullPath(path);
    }

    public static string ModelsDirectory(string home) => Path.Combine(home, "models");
    public static string DownloadsDirectory(string home) => Path.Combine(home, "downloads");
    public static string KeysFile(string home) => Path.Combine(home, "keys.json");
}
