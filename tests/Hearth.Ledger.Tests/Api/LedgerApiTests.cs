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
