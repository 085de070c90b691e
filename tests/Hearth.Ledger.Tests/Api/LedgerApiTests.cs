using Hearth.Ledger.Api;

namespace Hearth.Ledger.Tests.Api;

public class LedgerApiTests
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
        var api = new LedgerApi(h.Store);
        var p1 = await api.GetEntriesAsync(new LedgerEntriesRequest { Limit = 4 }, CancellationToken.None);
        Assert.Equal([1L, 2L, 3L, 4L], p1.Data.Select(d => d.Sequence));
        Assert.Equal(4, p1.NextAfter);
        var p2 = await api.GetEntriesAsync(new LedgerEntriesRequest { Limit = 4, After = p1.NextAfter!.Value }, CancellationToken.None);
        Assert.Equal([5L, 6L], p2.Data.Select(d => d.Sequence));
        Assert.Null(p2.NextAfter);
        var beta = await api.GetEntriesAsync(new LedgerEntriesRequest { Tenant = "beta" }, CancellationToken.None);
        Assert.All(beta.Data, d => Assert.Equal("beta", d.Tenant));
        Assert.Equal(3, beta.Data.Count);
        var ex = await Assert.ThrowsAsync<LedgerApiException>(() => api.GetEntriesAsync(new LedgerEntriesRequest { Limit = 10_000 }, CancellationToken.None));
        Assert.Equal("limit", ex.Parameter);
    }

    [Fact]
    public async Task GetSummary_ByTenant_GroupsAndRejectsUnknownGrouping()
    {
        await using var h = await FilledAsync();
        var api = new LedgerApi(h.Store);
        var s = await api.GetSummaryAsync("tenant", null, null, CancellationToken.None);
        Assert.Equal(["acme", "beta"], s.Groups.Select(g => g.Group));
        var ex = await Assert.ThrowsAsync<LedgerApiException>(() => api.GetSummaryAsync("colour", null, null, CancellationToken.None));
        Assert.Equal("by", ex.Parameter);
    }
}

public class LedgerApiLookupTests
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
        var api = new LedgerApi(node.Store, null, node.Writer.FlushAsync);
        var draft = Fixtures.Entry(0) with { Reason = "fixed: big", Policy = "fixed:big" };

        await node.Writer.AppendAsync(draft, CancellationToken.None);
        var found = await api.GetEntryAsync(draft.EntryId.ToString("N"), CancellationToken.None);
        var missing = await api.GetEntryAsync(Guid.NewGuid().ToString("N"), CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal((draft.EntryId.ToString("N"), "fixed: big", "fixed:big", "ok", 2), (found.Id, found.Reason, found.Policy, found.Outcome, found.EncodingVersion));
        Assert.Null(missing);
        var ex = await Assert.ThrowsAsync<LedgerApiException>(() => api.GetEntryAsync("../etc/passwd", CancellationToken.None));
        Assert.Equal("id", ex.Parameter);
    }

    [Fact]
    public async Task GetSummary_Tenant_OnlyThatTenant()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        await h.Store.AppendBatchAsync([.. Enumerable.Range(0, 5).Select(i => Fixtures.Entry(i, tenant: i < 3 ? "acme" : "beta"))], CancellationToken.None);
        var api = new LedgerApi(h.Store);

        var acme = await api.GetSummaryAsync("model", null, null, "acme", CancellationToken.None);

        Assert.Equal(3, acme.Total.Requests);
    }

    [Fact]
    public async Task Verify_IntactThenEdited_ReportsFailure()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        await h.Store.AppendBatchAsync([Fixtures.Entry(0), Fixtures.Entry(1)], CancellationToken.None);
        var api = new LedgerApi(h.Store);

        var ok = await api.VerifyAsync(CancellationToken.None);
        await h.ExecAsync("UPDATE ledger_entries SET tokens_out = 1 WHERE seq = 1");
        var bad = await api.VerifyAsync(CancellationToken.None);

        Assert.True(ok!.Valid);
        Assert.Equal(2, ok.EntriesChecked);
        Assert.False(bad!.Valid);
        Assert.Equal(("edited", 1L), (bad.Failure, bad.FirstBadSequence));
    }
}
