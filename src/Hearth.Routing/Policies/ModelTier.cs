namespace Hearth.Routing.Policies;

/// <summary>Capability tiers that policies speak of; configuration maps each to a backend.</summary>
public enum ModelTier
{
    Small = 1,
    Medium = 2,
    Large = 3,
}
