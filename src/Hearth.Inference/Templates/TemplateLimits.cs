namespace Hearth.Inference.Templates;

/// <summary>
/// Bounds applied while rendering, so a hostile or buggy template cannot hang, pin a core or exhaust memory.
/// Exceeding one throws <see cref="TemplateLimitExceededException"/> whose <see cref="TemplateLimitExceededException.Limit"/>
/// names the property. Real chat templates render in well under a millisecond and stay orders of magnitude below every default.
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

    /// <summary>
    /// Work budget of one render, in steps: every statement executed and every expression evaluated is one step.
    /// The 136 reference renderings take at most a few thousand; 2 M steps is a fraction of a second to a second of interpretation.
    /// </summary>
    public long MaxSteps { get; init; } = 2_000_000;

    /// <summary>
    /// Total size of everything one render builds, in UTF-16 chars (list and tuple results count their items): each string an
    /// operator, filter, method or macro call produces, plus the output written. A template that grows a string by
    /// concatenation in a loop builds a quadratic total and stops here long before it runs for long. 64 Mi chars is 128 MB
    /// of copying (well under a second); a real template builds a small multiple of its prompt.
    /// </summary>
    public long MaxBuiltChars { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Wall-clock budget of one render, measured with <see cref="ChatTemplateOptions.Clock"/>'s timestamps and checked between
    /// steps: the backstop for work the step and size budgets do not see (for example searching a long string many times).
    /// </summary>
    public TimeSpan MaxRenderTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Default limits.</summary>
    public static TemplateLimits Default { get; } = new();
}
