namespace Hearth.Routing.Learning;

/// <summary>
/// The router models shipped inside this assembly (Resources/*.bin), produced by <c>hearth router train</c> from the
/// shared RouteLLM data (see docs/routing.md for the exact commands). Loaded once, immutable.
/// </summary>
public static class EmbeddedRouters
{
    private static readonly Lazy<RouterModel> s_predictive = new(() => Load("predictive.bin"));
    private static readonly Lazy<RouterModel> s_cascade = new(() => Load("cascade.bin"));

    /// <summary>The default predictive router (prompt only).</summary>
    public static RouterModel Predictive() => s_predictive.Value;

    /// <summary>The default cascade scorer (prompt + small model's answer).</summary>
    public static RouterModel Cascade() => s_cascade.Value;

    private static RouterModel Load(string name)
    {
        var assembly = typeof(EmbeddedRouters).Assembly;
        var resource = "Hearth.Routing.Resources." + name;
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new RouterModelFormatException($"Embedded router model '{resource}' is missing from {assembly.GetName().Name}.");
        return RouterModelFormat.Load(stream, resource);
    }
}
