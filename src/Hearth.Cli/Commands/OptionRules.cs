using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Hearth.Cli.Commands;

/// <summary>Parse-time checks of option values, so a bad value is a one-line usage error naming the option.</summary>
internal static class OptionRules
{
    /// <summary>Requires <paramref name="min"/> ≤ value ≤ <paramref name="max"/>.</summary>
    public static Option<T> InRange<T>(this Option<T> option, T min, T max)
        where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (TryGet<T>(result, out var value) && !(value >= min && value <= max))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be between {min} and {max} (got {value})."));
            }
        });
        return option;
    }

    /// <summary>Requires value ≥ <paramref name="min"/>.</summary>
    public static Option<T> AtLeast<T>(this Option<T> option, T min)
        where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (TryGet<T>(result, out var value) && !(value >= min))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be at least {min} (got {value})."));
            }
        });
        return option;
    }

    /// <summary>Requires <paramref name="valid"/> to hold for the value; otherwise <paramref name="rule"/> names what it must be.</summary>
    public static Option<T> Must<T>(this Option<T> option, Func<T, bool> valid, string rule)
    {
        option.Validators.Add(result =>
        {
            if (TryGet<T>(result, out var value) && !valid(value))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be {rule} (got {value})."));
            }
        });
        return option;
    }

    /// <summary>Requires the value to be one of <paramref name="allowed"/> (case-insensitive).</summary>
    public static Option<string> OneOf(this Option<string> option, IReadOnlyList<string> allowed)
    {
        option.Validators.Add(result =>
        {
            if (TryGet<string>(result, out var value) && value is not null && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"{option.Name} must be one of {string.Join(", ", allowed)} (got '{value}').");
            }
        });
        return option;
    }

    /// <summary>The option's value, or false when the text did not convert (the parser reports that error itself).</summary>
    private static bool TryGet<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>The compute-threads option every engine verb shares (1–256, default: processor count).</summary>
    public static Option<int> Threads(string description) => new Option<int>("--threads", "-t")
    {
        Description = description,
        DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount, 1, 256),
    }.InRange(1, 256);

    /// <summary>A required existing input file.</summary>
    /// <summary>
    /// A local model given either way a newcomer types it: a path to a GGUF file, or a model name as <c>hearth run</c> and
    /// <c>hearth models</c> show it (<c>NAME</c> = <c>$HEARTH_HOME/models/NAME.gguf</c>). An existing file wins over a name.
    /// </summary>
    public static Option<FileInfo> ModelFile(string name, string alias, string description) =>
        new Option<FileInfo>(name, alias)
        {
            Description = description + " A path, or a model name from $HEARTH_HOME/models (as 'hearth models' lists them).",
            Required = true,
            CustomParser = result =>
            {
                var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (File.Exists(value))
                {
                    return new FileInfo(value);
                }
                var models = Hearth.Server.Configuration.HearthHome.ModelsDirectory(Hearth.Server.Configuration.HearthHome.Resolve());
                var named = Path.Combine(models, value + Hearth.Server.Backends.LocalModelFiles.Extension);
                if (Hearth.Server.Backends.LocalModelFiles.IsValidModelName(value) && File.Exists(named))
                {
                    return new FileInfo(named);
                }
                var available = Directory.Exists(models)
                    ? string.Join(", ", Directory.EnumerateFiles(models, "*" + Hearth.Server.Backends.LocalModelFiles.Extension)
                        .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
                    : "";
                result.AddError($"{name} '{value}' is neither a file nor a model in {models} (models there: {(available.Length > 0 ? available : "none")}).");
                return null;
            },
        };

    public static Option<FileInfo> ExistingFile(string name, string alias, string description) =>
        new Option<FileInfo>(name, alias) { Description = description, Required = true }.AcceptExistingOnly();
}
