namespace Hearth.Routing.Policies;

/// <summary>One backend the router may choose.</summary>
/// <param name="Name">Unique backend name (what <c>fixed:&lt;name&gt;</c> refers to).</param>
/// <param name="Tier">Its capability tier.</param>
/// <param name="IsLocal">True when it runs on this node (data never leaves); false for upstream or peer backends.</param>
/// <param name="Site">The site whose grid feeds it (for carbon-aware choice).</param>
public sealed record BackendOptions(string Name, ModelTier Tier, bool IsLocal, string Site = "local");
