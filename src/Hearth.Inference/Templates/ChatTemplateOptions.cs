namespace Hearth.Inference.Templates;

/// <summary>Settings for parsing and rendering chat templates.</summary>
public sealed record ChatTemplateOptions
{
    /// <summary>Clock behind <c>strftime_now(fmt)</c> (local time of the provider). Inject a fixed one in tests.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Render-time bounds.</summary>
    public TemplateLimits Limits { get; init; } = TemplateLimits.Default;

    /// <summary>Largest accepted template source, in chars (real templates are under 20 K).</summary>
    public int MaxSourceChars { get; init; } = 1024 * 1024;

    /// <summary>Default options: system clock, default limits.</summary>
    public static ChatTemplateOptions Default { get; } = new();
}
