using System.Diagnostics.CodeAnalysis;

namespace Hearth.Routing.Policies;

/// <summary>The routing strategies.</summary>
public enum PolicyKind
{
    /// <summary>Always the largest local backend; nothing leaves the node.</summary>
    LocalOnly = 1,

    /// <summary>The learned predictive router decides small or large from the prompt alone.</summary>
    Predictive,

    /// <summary>Small model first; a verifier accepts its answer or escalates to the large tier.</summary>
    Cascade,

    /// <summary>The predictive router sets the minimum tier; among allowed backends the lowest expected gCO2e wins.</summary>
    CarbonAware,

    /// <summary>Always one named backend.</summary>
    Fixed,
}

/// <summary>A parsed policy name: <c>local-only</c>, <c>predictive</c>, <c>cascade</c>, <c>carbon-aware</c> or <c>fixed:&lt;backend&gt;</c>.</summary>
public readonly record struct PolicyName(PolicyKind Kind, string? FixedBackend = null)
{
    /// <summary>The names accepted (with <c>fixed:&lt;backend&gt;</c> for each configured backend).</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = ["local-only", "predictive", "cascade", "carbon-aware", "fixed:<backend>"];

    /// <summary>Parses a policy name (case-insensitive); false for unknown names.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PolicyName? name)
    {
        name = null;
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            return false;
        }
        name = t.ToLowerInvariant() switch
        {
            "local-only" => new PolicyName(PolicyKind.LocalOnly),
            "predictive" => new PolicyName(PolicyKind.Predictive),
            "cascade" => new PolicyName(PolicyKind.Cascade),
            "carbon-aware" => new PolicyName(PolicyKind.CarbonAware),
            _ when t.StartsWith("fixed:", StringComparison.OrdinalIgnoreCase) && t.Length > 6 => new PolicyName(PolicyKind.Fixed, t[6..]),
            _ => null,
        };
        return name is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        PolicyKind.LocalOnly => "local-only",
        PolicyKind.Predictive => "predictive",
        PolicyKind.Cascade => "cascade",
        PolicyKind.CarbonAware => "carbon-aware",
        _ => "fixed:" + FixedBackend,
    };
}
