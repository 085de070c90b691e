using Hearth.Ledger.Energy;
using Hearth.Ledger.Reports;

namespace Hearth.Ledger.Tests.Reports;

public class ReportTests
{
    private static async Task<StoreHarness> FilledAsync()
    {
        var h = await StoreHarness.CreateAsync("sqlite");
        var entries = Enumerable.Range(0, 6).Select(i => Fixtures.Entry(i, tenant: i % 2 == 0 ? "acme" : "beta", model: i < 4 ? "small" : "tiny")).ToList();
        await h.Store.AppendBatchAsync(entries, CancellationToken.None);
        return h;
    }

    [Fact]
    public async Task Build_ByModel_SumsAndCounterfactual()
    {
        await using var h = await FilledAsync();
        var report = await LedgerReportBuilder.BuildAsync(h.Store, ReportGrouping.Model, null, null, null, null, CancellationToken.None);
        Assert.Equal(["small", "tiny"], report.Rows.Select(r => r.Group));
        Assert.Equal(6, report.Total.Requests);
        Assert.Equal(Enumerable.Range(0, 6).Sum(i => 0.001 * (i + 1)), report.Total.EnergyWattHours, 12);
        var cfWh = Enumerable.Range(0, 6).Sum(i => RemoteEnergyEstimator.EstimateWattHours(70, 20 + i, 1.2));
        Assert.Equal(cfWh, report.Total.CounterfactualWattHours, 12);
        Assert.Equal(cfWh - report.Total.EnergyWattHours, report.Total.AvoidedWattHours, 12);
        Assert.Equal(cfWh / 1000 * 56.039, report.Total.CounterfactualGramsCo2e, 12);
    }

    [Fact]
    public async Task TableAndHtml_NegativeAvoided_PrintTheCounterfactualDefinition()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        // A cancelled request: energy spent, no output tokens, so the large-model counterfactual is 0 and avoided is negative.
        await h.Store.AppendBatchAsync([Fixtures.Entry(0) with { TokensOut = 0, Outcome = Hearth.Ledger.Entries.RequestOutcome.Cancelled }], CancellationToken.None);
        var report = await LedgerReportBuilder.BuildAsync(h.Store, ReportGrouping.Outcome, null, null, null, null, CancellationToken.None);

        var table = ReportWriters.Table(report);
        var html = ReportWriters.Html(report);

        Assert.True(report.Total.AvoidedWattHours < 0);
        Assert.Contains("-1E-3", table, StringComparison.Ordinal);
        Assert.Contains(ReportWriters.CounterfactualDefinition, table, StringComparison.Ordinal);
        Assert.Contains("lower bound. A negative avoided figure means", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_UsesCodeCarbonNamesAndUnits()
    {
        await using var h = await FilledAsync();
        var report = await LedgerReportBuilder.BuildAsync(h.Store, ReportGrouping.Tenant, null, null, null, null, CancellationToken.None);
        var lines = ReportWriters.Csv(report).TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        foreach (var cc in new[] { "timestamp", "project_name", "duration", "emissions", "emissions_rate", "energy_consumed", "country_iso_code" })
        {
            Assert.Contains(cc, header);
        }
        Assert.Equal(4, lines.Length); // header, acme, beta, total
        var acme = lines[1].Split(',');
        var energyKwh = double.Parse(acme[Array.IndexOf(header, "energy_consumed")], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((0.001 + 0.003 + 0.005) / 1000, energyKwh, 12);
    }

    [Fact]
    public async Task Html_SelfContainedWithInlineSvg()
    {
        await using var h = await FilledAsync();
        var report = await LedgerReportBuilder.BuildAsync(h.Store, ReportGrouping.Day, null, null, null, null, CancellationToken.None);
        var html = ReportWriters.Html(report);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal(3, html.Split("<svg ").Length - 1);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.Contains("2026-11-20", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_RoundTripsTotals()
    {
        await using var h = await FilledAsync();
        var report = await LedgerReportBuilder.BuildAsync(h.Store, ReportGrouping.Route, null, null, null, null, CancellationToken.None);
        using var doc = System.Text.Json.JsonDocument.Parse(ReportWriters.Json(report));
        Assert.Equal(6, doc.RootElement.GetProperty("total").GetProperty("requests").GetInt64());
    }
}

public class ReportRoutingGroupingTests
{
    [Fact]
    public async Task Build_ByPolicyReasonAndOutcome_GroupsAndCountsCancelledAndFailed()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        await h.Store.AppendBatchAsync(
        [
            Fixtures.Entry(0) with { Policy = "predictive", Reason = "predictive: small" },
            Fixtures.Entry(1) with { Policy = "predictive", Reason = "predictive: large", Outcome = Hearth.Ledger.Entries.RequestOutcome.Cancelled },
            Fixtures.Entry(2) with { Policy = "cascade", Reason = "cascade: kept small" },
            Fixtures.Entry(3) with { Outcome = Hearth.Ledger.Entries.RequestOutcome.Error },
        ], CancellationToken.None);

        var byPolicy = await LedgerReportBuilder.BuildAsync(h.Store, ReportGrouping.Policy, null, null, null, null, CancellationToken.None);
        var byReason = await LedgerReportBuilder.BuildAsync(h.Store, ReportGrouping.Reason, null, null, null, null, CancellationToken.None);
        var byOutcome = await LedgerReportBuilder.BuildAsync(h.Store, ReportGrouping.Outcome, null, null, null, null, CancellationToken.None);

        Assert.Equal([("", 1L), ("cascade", 1L), ("predictive", 2L)], byPolicy.Rows.Select(r => (r.Group, r.Requests)));
        Assert.Equal(["", "cascade: kept small", "predictive: large", "predictive: small"], byReason.Rows.Select(r => r.Group));
        Assert.Equal([("cancelled", 1L), ("error", 1L), ("ok", 2L)], byOutcome.Rows.Select(r => (r.Group, r.Requests)));
        Assert.Equal((1L, 1L), (byPolicy.Total.CancelledRequests, byPolicy.Total.FailedRequests));
        var csv = ReportWriters.Csv(byPolicy).Split('\n');
        var header = csv[0].Split(',');
        var total = csv[^2].Split(',');
        Assert.Equal("1", total[Array.IndexOf(header, "cancelled_requests")]);
        Assert.Equal("1", total[Array.IndexOf(header, "failed_requests")]);
    }

    [Theory]
    [InlineData("policy", ReportGrouping.Policy)]
    [InlineData("REASON", ReportGrouping.Reason)]
    [InlineData("outcome", ReportGrouping.Outcome)]
    public void TryParse_KnownName_Parses(string name, ReportGrouping expected)
    {
        Assert.True(ReportGroupings.TryParse(name, out var g));
        Assert.Equal(expected, g);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("colour")]
    [InlineData(null)]
    public void TryParse_UnknownName_False(string? name) => Assert.False(ReportGroupings.TryParse(name, out _));
}
