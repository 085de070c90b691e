using Hearth.Routing.Policies;

namespace Hearth.Routing.Tests.Policies;

public sealed class RoutingOptionsTests
{
    internal static RoutingOptions Valid() => new()
    {
        Backends = [new BackendOptions("phi", ModelTier.Small, true), new BackendOptions("qwen-14b", ModelTier.Medium, true), new BackendOptions("gpt", ModelTier.Large, false, "cloud")],
        Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "phi", [ModelTier.Medium] = "qwen-14b", [ModelTier.Large] = "gpt" },
        DefaultPolicy = "cascade",
        ApiKeyPolicies = new Dictionary<string, string> { ["team-a"] = "local-only", ["team-b"] = "fixed:gpt" },
    };

    [Fact]
    public void Validate_ValidConfiguration_Passes() => Valid().Validate();

    [Fact]
    public void Validate_UnknownDefaultPolicy_ListsKnownPolicies()
    {
        var e = Assert.Throws<RoutingConfigurationException>(() => (Valid() with { DefaultPolicy = "cheapest" }).Validate());
        Assert.Contains("'cheapest'", e.Message, StringComparison.Ordinal);
        foreach (var known in new[] { "local-only", "predictive", "cascade", "carbon-aware", "fixed:phi", "fixed:qwen-14b", "fixed:gpt" })
        {
            Assert.Contains(known, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_FixedUnknownBackend_FailsNamingKey()
    {
        var options = Valid() with { ApiKeyPolicies = new Dictionary<string, string> { ["team-c"] = "fixed:llama-405b" } };
        var e = Assert.Throws<RoutingConfigurationException>(options.Validate);
        Assert.Contains("team-c", e.Message, StringComparison.Ordinal);
        Assert.Contains("fixed:gpt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TierNamesUnknownBackend_Fails()
    {
        var options = Valid() with { Tiers = new Dictionary<ModelTier, string> { [ModelTier.Small] = "nope" } };
        var e = Assert.Throws<RoutingConfigurationException>(options.Validate);
        Assert.Contains("phi", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoSmallTier_Fails() =>
        Assert.Throws<RoutingConfigurationException>((Valid() with { Tiers = new Dictionary<ModelTier, string> { [ModelTier.Large] = "gpt" } }).Validate);

    [Fact]
    public void Validate_DuplicateBackend_Fails() =>
        Assert.Throws<RoutingConfigurationException>((Valid() with { Backends = [.. Valid().Backends, new BackendOptions("PHI", ModelTier.Small, true)] }).Validate);

    [Theory]
    [InlineData("local-only", PolicyKind.LocalOnly)]
    [InlineData("Predictive", PolicyKind.Predictive)]
    [InlineData(" cascade ", PolicyKind.Cascade)]
    [InlineData("carbon-aware", PolicyKind.CarbonAware)]
    [InlineData("fixed:gpt", PolicyKind.Fixed)]
    public void ResolvePolicy_KnownNames(string name, PolicyKind kind) => Assert.Equal(kind, Valid().ResolvePolicy(name).Kind);

    [Theory]
    [InlineData("")]
    [InlineData("fixed:")]
    [InlineData("random")]
    public void TryParse_Unknown_False(string name) => Assert.False(PolicyName.TryParse(name, out _));
}
