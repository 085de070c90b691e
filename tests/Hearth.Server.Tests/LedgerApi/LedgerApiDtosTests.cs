using Hearth.Ledger.Entries;
using Hearth.Ledger.Queries;
using Hearth.Ledger.Reports;
using Hearth.Ledger.Store;
using Hearth.Server.LedgerApi;

namespace Hearth.Server.Tests.LedgerApi;

public class LedgerApiDtosTests
{
    private static readonly LedgerEntry Entry = new()
    {
        Sequence = 7,
        EntryId = Guid.Parse("0123456789abcdef0123456789abcdef"),
        Tenant = "acme",
        EnergyWattHours = 0.25,
        EnergyMethod = EnergyMethod.Measured,
        Reason = "fixed: big",
        Policy = "fixed:big",
        Outcome = RequestOutcome.Cancelled,
        EncodingVersion = 2,
    };

    [Fact]
    public void LedgerEntryDto_From_WireNamesAndHexId()
    {
        var dto = LedgerEntryDto.From(Entry);

        Assert.Equal((7L, "0123456789abcdef0123456789abcdef", "acme", 0.25, "measured", "fixed: big", "fixed:big", "cancelled", 2),
            (dto.Sequence, dto.Id, dto.Tenant, dto.EnergyWh, dto.EnergyMethod, dto.Reason, dto.Policy, dto.Outcome, dto.EncodingVersion));
    }

    [Fact]
    public void LedgerEntriesPage_From_MapsEntriesAndCursor()
    {
        var page = LedgerEntriesPage.From(new LedgerPage([Entry, Entry with { Sequence = 8 }], 8));

        Assert.Equal([7L, 8L], page.Data.Select(d => d.Sequence));
        Assert.Equal(8, page.NextAfter);
    }

    [Fact]
    public void LedgerVerificationDto_From_FailureLowerCaseAndNullWhenValid()
    {
        var bad = LedgerVerificationDto.From(new LedgerVerification(false, 2, 0, LedgerFailureKind.Edited, 1, "entry 1 edited"));
        var ok = LedgerVerificationDto.From(new LedgerVerification(true, 2, 1, LedgerFailureKind.None, null, "ok"));

        Assert.Equal((false, "edited", 1L), (bad.Valid, bad.Failure, bad.FirstBadSequence));
        Assert.Equal((true, (string?)null, 2L, 1L), (ok.Valid, ok.Failure, ok.EntriesChecked, ok.CheckpointsChecked));
    }

    [Fact]
    public void LedgerSummaryDto_From_GroupingLowerCase()
    {
        var total = new ReportRow { Group = "total" };
        var report = new LedgerReport(ReportGrouping.Tenant, null, null, LedgerReportBuilder.DefaultCounterfactual, [new ReportRow { Group = "acme" }], total,
            DateTimeOffset.UnixEpoch, "sqlite");

        var dto = LedgerSummaryDto.From(report);

        Assert.Equal(("tenant", "acme"), (dto.GroupBy, Assert.Single(dto.Groups).Group));
        Assert.Same(total, dto.Total);
    }
}
