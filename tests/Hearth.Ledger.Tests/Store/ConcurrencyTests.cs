using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Tests.Store;

public class ConcurrencyTests
{
    [Fact]
    public async Task Postgres_TwoReplicasAppendingConcurrently_OneLinearChain()
    {
        var schema = Fixtures.NewSchema();
        try
        {
            await using var a = new PostgresLedgerStore(Fixtures.PgConnectionString, schema);
            await using var b = new PostgresLedgerStore(Fixtures.PgConnectionString, schema);
            await Task.WhenAll(a.MigrateAsync(CancellationToken.None), b.MigrateAsync(CancellationToken.None));
            var options = new LedgerStoreOptions { MaxBatchEntries = 16, Durability = LedgerDurability.GroupCommit };
            await using (var wa = new LedgerWriter(a, options, null, "replica-a"))
            await using (var wb = new LedgerWriter(b, options, null, "replica-b"))
            {
                var tasks = Enumerable.Range(0, 300).Select(i =>
                    (i % 2 == 0 ? wa : wb).AppendAsync(Fixtures.Entry(i) with { NodeId = i % 2 == 0 ? "replica-a" : "replica-b" }, CancellationToken.None).AsTask());
                await Task.WhenAll(tasks);
            }
            var v = await LedgerVerifier.VerifyAsync(a, null, CancellationToken.None);
            Assert.True(v.IsValid, v.Message);
            Assert.Equal(300, v.EntriesChecked);
        }
        finally
        {
            await Fixtures.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Writer_StoreFails_CallerGetsStoreException()
    {
        await using var w = new LedgerWriter(new FailingStore(), new LedgerStoreOptions { Durability = LedgerDurability.GroupCommit }, null, "n");
        var ex = await Assert.ThrowsAsync<LedgerStoreException>(() => w.AppendAsync(Fixtures.Entry(0), CancellationToken.None).AsTask());
        Assert.Contains("disk full", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writer_Queued_ReturnsBeforeCommitAndFlushCommits()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        await using var w = new LedgerWriter(h.Store, new LedgerStoreOptions { Durability = LedgerDurability.Queued }, null, "n");
        var e = await w.AppendAsync(Fixtures.Entry(0), CancellationToken.None);
        Assert.Equal(0, e.Sequence); // not sealed yet
        await w.FlushAsync(CancellationToken.None);
        Assert.Single(await h.Store.QueryAsync(new LedgerQuery(), CancellationToken.None));
    }

    private sealed class FailingStore : ILedgerStore
    {
        public string Description => "failing";
        public Task MigrateAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<IReadOnlyList<LedgerEntry>> AppendBatchAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken) =>
            Task.FromException<IReadOnlyList<LedgerEntry>>(new LedgerStoreException("failing: disk full"));
        public Task<ChainHead> GetHeadAsync(CancellationToken cancellationToken) => Task.FromResult(new ChainHead(0, LedgerHash.Genesis));
        public Task<IReadOnlyList<LedgerEntry>> QueryAsync(LedgerQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<LedgerEntry>>([]);
        public Task<bool> AppendCheckpointAsync(LedgerCheckpoint checkpoint, CancellationToken cancellationToken) => Task.FromResult(false);
        public Task<IReadOnlyList<LedgerCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<LedgerCheckpoint>>([]);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
