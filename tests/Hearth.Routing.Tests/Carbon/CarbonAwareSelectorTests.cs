using Hearth.Routing.Carbon;
using Hearth.Routing.Policies;

namespace Hearth.Routing.Tests.Carbon;

public sealed class CarbonAwareSelectorTests
{
    private sealed class FakeCarbon(Dictionary<string, CarbonForecast> bySite) : ICarbonEstimate
    {
        public ValueTask<CarbonForecast> EstimateAsync(BackendOptions backend, int promptTokens, int outputTokens, CancellationToken cancellationToken) =>
            ValueTask.FromResult(bySite[backend.Site]);
    }

    private static readonly BackendOptions s_local = new("local", ModelTier.Small, true, "home");
    private static readonly BackendOptions s_peer = new("peer", ModelTier.Medium, false, "village");
    private static readonly BackendOptions s_cloud = new("cloud", ModelTier.Large, false, "dc");

    [Fact]
    public void Forecast_ExpectedGrams_IsEnergyTimesIntensity()
    {
        Assert.Equal(0.05, new CarbonForecast(0.1, 500, false).ExpectedGramsCo2e, 12);
    }

    [Fact]
    public async Task Choose_LowestExpectedGrams_Wins()
    {
        var carbon = new FakeCarbon(new()
        {
            ["home"] = new(0.30, 450, false),   // 0.135 g
            ["village"] = new(0.40, 100, false), // 0.040 g
            ["dc"] = new(0.20, 300, false),     // 0.060 g
        });
        var choice = await CarbonAwareSelector.ChooseAsync([s_local, s_peer, s_cloud], carbon, 100, 64, CancellationToken.None);
        Assert.Equal("peer", choice.Backend.Name);
        Assert.Contains("0.04 gCO2e", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Choose_RenewableSurplus_PreferredEvenIfHigherGrams()
    {
        var carbon = new FakeCarbon(new()
        {
            ["home"] = new(0.30, 200, true),
            ["village"] = new(0.40, 100, false),
            ["dc"] = new(0.20, 50, false),
        });
        var choice = await CarbonAwareSelector.ChooseAsync([s_local, s_peer, s_cloud], carbon, 100, 64, CancellationToken.None);
        Assert.Equal("local", choice.Backend.Name);
        Assert.Contains("surplus", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Choose_Tie_PrefersLocal()
    {
        var same = new CarbonForecast(0.1, 100, false);
        var carbon = new FakeCarbon(new() { ["home"] = same, ["dc"] = same });
        var choice = await CarbonAwareSelector.ChooseAsync([s_cloud, s_local], carbon, 10, 64, CancellationToken.None);
        Assert.Equal("local", choice.Backend.Name);
    }

    [Fact]
    public async Task Choose_NoCandidates_Throws() =>
        await Assert.ThrowsAsync<ArgumentException>(async () => await CarbonAwareSelector.ChooseAsync([], new FakeCarbon([]), 1, 64, CancellationToken.None));
}
