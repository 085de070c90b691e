using Hearth.Ledger.Entries;
using Hearth.Ledger.Queries;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Tests.Queries;

public class LedgerQueriesTests
{
    private static async Task<StoreHarness> FilledAsync()
    {
        var h = await StoreHarness.CreateAsync("sqlite");
        var entries = Enumerable.Range(0, 6).Select(i => Fixtures.Entry(i, tenant: i % 2 == 0 ? "acme" : "beta", model: i < 4 ? "small" : "tiny")).ToList();
        await h.Store.AppendBatchAsync(entries, CancellationToken.None);
        return h;
    }

    [Fact]
    public async Task GetEntries_Paged_PagesAndFilters()
    {
        await using var h = await FilledAsync();
        var api = new LedgerQueries(h.Store);
        var p1 = await api.GetPageAsync(new LedgerPageRequest { Limit = 4 }, CancellationToken.None);
        Assert.Equal([1L, 2L, 3L, 4L], p1.Entries.Select(d => d.Sequence));
        Assert.Equal(4, p1.NextAfter);
        var p2 = await api.GetPageAsync(new LedgerPageRequest { Limit = 4, After = p1.NextAfter!.Value }, CancellationToken.None);
        Assert.Equal([5L, 6L], p2.Entries.Select(d => d.Sequence));
        Assert.Null(p2.NextAfter);
        var beta = await api.GetPageAsync(new LedgerPageRequest { Tenant = "beta" }, CancellationToken.None);
        Assert.All(beta.Entries, d => Assert.Equal("beta", d.Tenant));
        Assert.Equal(3, beta.Entries.Count);
        var ex = await Assert.ThrowsAsync<LedgerQueryException>(() => api.GetPageAsync(new LedgerPageRequest { Limit = 10_000 }, CancellationToken.None));
        Assert.Equal("limit", ex.Parameter);
        Assert.Equal((Hearth.Contracts.RequestErrorKind.InvalidRequest, "invalid_parameter", "limit"), (ex.Kind, ex.Code, ex.Param));
    }

    [Fact]
    public async Task GetSummary_ByTenant_GroupsAndRejectsUnknownGrouping()
    {
        await using var h = await FilledAsync();
        var api = new LedgerQueries(h.Store);
        var s = await api.GetSummaryAsync("tenant", null, null, CancellationToken.None);
        Assert.Equal(["acme", "beta"], s.Rows.Select(g => g.Group));
        var ex = await Assert.ThrowsAsync<LedgerQueryException>(() => api.GetSummaryAsync("colour", null, null, CancellationToken.None));
        Assert.Equal("by", ex.Parameter);
    }
}

public class LedgerQueriesLookupTests
{
    [Fact]
    public async Task GetEntry_JournaledNotYetCommitted_FlushesAndFinds()
    {
        using var dir = new Hearth.TestSupport.TempDir();
        var options = new Hearth.Ledger.Options.LedgerOptions
        {
            Store = new Hearth.Ledger.Options.LedgerStoreOptions { Connection = dir.File("ledger.db"), Durability = Hearth.Ledger.Options.LedgerDurability.Queued },
        };
        await using var node = await LedgerNode.OpenAsync(options, null, null, CancellationToken.None);
        var api = new LedgerQueries(node.Store, null, node.Writer.FlushAsync);
        var draft = Fixtures.Entry(0) with { Reason = "fixed: big", Policy = "fixed:big" };

        await node.Writer.AppendAsync(draft, CancellationToken.None);
        var found = await api.FindEntryAsync(draft.EntryId, CancellationToken.None);
        var missing = await api.FindEntryAsync(Guid.NewGuid(), CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal((draft.EntryId, "fixed: big", "fixed:big", RequestOutcome.Ok, 2), (found.EntryId, found.Reason, found.Policy, found.Outcome, found.EncodingVersion));
        Assert.Null(missing);
    }

    [Fact]
    public async Task GetSummary_Tenant_OnlyThatTenant()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        await h.Store.AppendBatchAsync([.. Enumerable.Range(0, 5).Select(i => Fixtures.Entry(i, tenant: i < 3 ? "acme" : "beta"))], CancellationToken.None);
        var api = new LedgerQueries(h.Store);

        var acme = await api.GetSummaryAsync("model", null, null, "acme", CancellationToken.None);

        Assert.Equal(3, acme.Total.Requests);
    }

    [Fact]
    public async Task Verify_IntactThenEdited_ReportsFailure()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        await h.Store.AppendBatchAsync([Fixtures.Entry(0), Fixtures.Entry(1)], CancellationToken.None);
        var api = new LedgerQueries(h.Store);

        var ok = await api.VerifyAsync(CancellationToken.None);
        await h.ExecAsync("UPDATE ledger_entries SET tokens_out = 1 WHERE seq = 1");
        var bad = await api.VerifyAsync(CancellationToken.None);

        Assert.True(ok!.IsValid);
        Assert.Equal(2, ok.EntriesChecked);
        Assert.False(bad!.IsValid);
        Assert.Equal((LedgerFailureKind.Edited, 1L), (bad.Failure, bad.FirstBadSequence));
    }
}
