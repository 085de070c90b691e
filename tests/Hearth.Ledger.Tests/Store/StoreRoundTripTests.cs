using Hearth.Ledger.Entries;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Tests.Store;

public class StoreRoundTripTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AppendBatch_ThenQuery_ReturnsIdenticalSealedEntries(string kind)
    {
        await using var h = await StoreHarness.CreateAsync(kind);
        var written = await h.Store.AppendBatchAsync([Fixtures.Entry(0), Fixtures.Entry(1)], CancellationToken.None);
        var more = await h.Store.AppendBatchAsync([Fixtures.Entry(2, tenant: "beta")], CancellationToken.None);
        var all = await h.Store.QueryAsync(new LedgerQuery(), CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], all.Select(e => e.Sequence));
        Assert.Equal(written[0], all[0]);
        Assert.Equal(more[0], all[2]);
        Assert.Equal(LedgerHash.Genesis, all[0].PrevHash);
        Assert.Equal(all[1].Hash, all[2].PrevHash);
        Assert.Null(all[0].SciGramsCo2ePer1kTokens);
        var beta = await h.Store.QueryAsync(new LedgerQuery { Tenant = "beta" }, CancellationToken.None);
        Assert.Single(beta);
        var head = await h.Store.GetHeadAsync(CancellationToken.None);
        Assert.Equal(new ChainHead(3, all[2].Hash), head);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AppendBatch_ReasonPolicyOutcome_RoundTripAndQueryByEntryId(string kind)
    {
        await using var h = await StoreHarness.CreateAsync(kind);
        var routed = Fixtures.Entry(0) with { Reason = "carbon-aware: grid 412 g/kWh → local ☀", Policy = "carbon-aware", Outcome = RequestOutcome.Cancelled };
        var written = await h.Store.AppendBatchAsync([routed, Fixtures.Entry(1)], CancellationToken.None);

        var byId = await h.Store.QueryAsync(new LedgerQuery { EntryId = routed.EntryId }, CancellationToken.None);

        var e = Assert.Single(byId);
        Assert.Equal(written[0], e);
        Assert.Equal((routed.Reason, "carbon-aware", RequestOutcome.Cancelled, LedgerHash.CurrentEncodingVersion), (e.Reason, e.Policy, e.Outcome, e.EncodingVersion));
        Assert.Empty(await h.Store.QueryAsync(new LedgerQuery { EntryId = Guid.NewGuid() }, CancellationToken.None));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Migrate_Twice_IsIdempotentAndKeepsData(string kind)
    {
        await using var h = await StoreHarness.CreateAsync(kind);
        await h.Store.AppendBatchAsync([Fixtures.Entry(0)], CancellationToken.None);
        await h.Store.MigrateAsync(CancellationToken.None);
        Assert.Single(await h.Store.QueryAsync(new LedgerQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task Writer_GroupCommit_ReturnsSealedEntriesAndSignsCheckpoints()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        using var key = NodeKey.LoadOrCreate(h.Folder);
        var options = new Hearth.Ledger.Options.LedgerStoreOptions { CheckpointEveryEntries = 50, Durability = Hearth.Ledger.Options.LedgerDurability.GroupCommit };
        await using (var w = new LedgerWriter(h.Store, options, key, "node-a"))
        {
            var tasks = Enumerable.Range(0, 200).Select(i => w.AppendAsync(Fixtures.Entry(i), CancellationToken.None).AsTask()).ToArray();
            var sealedEntries = await Task.WhenAll(tasks);
            Assert.Equal(200, sealedEntries.Select(e => e.Sequence).Distinct().Count());
            Assert.All(sealedEntries, e => Assert.Equal(64, e.Hash.Length));
        }
        var cps = await h.Store.ReadCheckpointsAsync(CancellationToken.None);
        Assert.NotEmpty(cps);
        var v = await LedgerVerifier.VerifyAsync(h.Store, [key.PublicKeySpkiBase64], CancellationToken.None);
        Assert.True(v.IsValid, v.Message);
        Assert.Equal(200, v.EntriesChecked);
        Assert.Equal(cps.Count, v.CheckpointsChecked);
    }

    [Fact]
    public void NodeKey_LoadTwice_SameKey()
    {
        using var dir = new Hearth.TestSupport.TempDir();
        using var a = NodeKey.LoadOrCreate(dir.Path);
        using var b = NodeKey.LoadOrCreate(dir.Path);
        Assert.Equal(a.PublicKeySpkiBase64, b.PublicKeySpkiBase64);
        var cp = a.SignCheckpoint(5, new string('a', 64), DateTimeOffset.UtcNow, "n");
        Assert.True(NodeKey.VerifySignature(cp));
        Assert.False(NodeKey.VerifySignature(cp with { Hash = new string('b', 64) }));
    }

    [Fact]
    public void NodeKey_CorruptFile_ThrowsNamingFile()
    {
        using var dir = new Hearth.TestSupport.TempDir();
        File.WriteAllText(dir.File(NodeKey.FileName), "not a key");
        var ex = Assert.Throws<LedgerStoreException>(() => NodeKey.LoadOrCreate(dir.Path));
        Assert.Contains(NodeKey.FileName, ex.Message, StringComparison.Ordinal);
    }
}
