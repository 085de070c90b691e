using System.CommandLine;
using System.Globalization;
using Hearth.Server.Configuration;

namespace Hearth.Cli.Commands;

/// <summary>What the node-facing verbs (serve, run, pull, models, show, rm, keys, bench gateway) share: the --home and
/// --config options, loading the settings with every problem printed, the exit code of a bad configuration, byte sizes.</summary>
internal static class NodeSettings
{
    public const int ConfigError = 2;

    public static Option<string?> HomeOption() => new("--home")
    {
        Description = "Hearth home folder (models/, keys.json, appsettings.json). Default: $HEARTH_HOME, else ~/.hearth.",
    };

    public static Option<FileInfo?> ConfigOption() => new("--config")
    {
        Description = "Settings file to use instead of $HEARTH_HOME/appsettings.json.",
    };

    /// <summary>Loads settings; on a bad configuration prints every problem to stderr and returns null.</summary>
    public static HearthOptions? LoadOptions(string? home, FileInfo? config, Dictionary<string, string?>? overrides = null)
    {
        overrides ??= [];
        if (home is not null)
        {
            overrides["Home"] = home;
        }
        try
        {
            return HearthConfiguration.Load(overrides, config?.FullName);
        }
        catch (HearthConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
