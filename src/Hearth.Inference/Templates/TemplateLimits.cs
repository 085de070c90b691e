namespace Hearth.Inference.Templates;

/// <summary>
/// Bounds applied while rendering, so a hostile or buggy template cannot hang or exhaust memory.
/// Exceeding one throws <see cref="TemplateLimitExceededException"/>.
/// </summary>
public sealed record TemplateLimits
{
    /// <summary>Largest rendered prompt, in UTF-16 chars. 16 Mi chars is far beyond any context window.</summary>
    public int MaxOutputChars { get; init; } = 16 * 1024 * 1024;

    /// <summary>Total loop iterations over one render (all loops together).</summary>
    public long MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>Deepest nesting of macro calls (recursive macros such as JSON-schema printers need a few dozen at most).</summary>
    public int MaxCallDepth { get; init; } = 100;

    /// <summary>Largest string or list one expression may build (chars or items).</summary>
    public int MaxValueLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest <c>range()</c>, as in Jinja2's sandbox.</summary>
    public int MaxRange { get; init; } = 100_000;

    /// <summary>Default limits.</summary>
    public static TemplateLimits Default { get; } = new();
}
