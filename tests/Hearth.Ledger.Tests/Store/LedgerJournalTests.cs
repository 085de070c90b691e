using Hearth.Ledger.Options;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Tests.Store;

public class LedgerJournalTests
{
    [Fact]
    public void Codec_RoundTripsEveryField()
    {
        var e = Fixtures.Entry(1) with { ApiKeyId = "key-é", SciGramsCo2ePer1kTokens = null, EnergyMethod = Hearth.Ledger.Entries.EnergyMethod.PeerReported };
        Assert.Equal(e, EntryCodec.Decode(EntryCodec.Encode(e)));
        var f = Fixtures.Entry(2);
        Assert.Equal(f, EntryCodec.Decode(EntryCodec.Encode(f)));
        var g = Fixtures.Entry(3) with { Reason = "predictive: p 0.42 → large ✓", Policy = "predictive", Outcome = Hearth.Ledger.Entries.RequestOutcome.Cancelled };
        Assert.Equal(g, EntryCodec.Decode(EntryCodec.Encode(g)));
    }

    [Fact]
    public async Task Recover_SegmentWrittenByVersion1Codec_AppendsItsEntries()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        var folder = Path.Combine(h.Folder, "journal");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Data", "ledger-journal-v1.bin"), Path.Combine(folder, "ledger-journal-00000001.bin"));

        var recovered = await LedgerJournal.RecoverAsync(folder, h.Store, CancellationToken.None);

        Assert.Equal(2, recovered);
        var all = await h.Store.QueryAsync(new LedgerQuery(), CancellationToken.None);
        Assert.Equal(["acme", "globex"], all.Select(e => e.Tenant));
        Assert.All(all, e => Assert.Equal(("", Hearth.Ledger.Entries.RequestOutcome.Ok, 2), (e.Reason, e.Outcome, e.EncodingVersion)));
        Assert.True((await LedgerVerifier.VerifyAsync(h.Store, null, CancellationToken.None)).IsValid);
    }

    [Fact]
    public async Task Recover_TornTailAndAlreadyCommitted_AppendsOnlyMissingValidRecords()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        var folder = Path.Combine(h.Folder, "journal");
        var entries = Enumerable.Range(0, 5).Select(i => Fixtures.Entry(i)).ToList();
        using (var j = LedgerJournal.Open(folder))
        {
            foreach (var e in entries)
            {
                j.Append(e);
            }
        }
        await h.Store.AppendBatchAsync([entries[0], entries[1]], CancellationToken.None); // committed before the "crash"
        var seg = Directory.GetFiles(folder, "ledger-journal-*.bin").Single();
        await using (var fs = new FileStream(seg, FileMode.Append))
        {
            fs.Write([0x48, 0x4A, 0x4C, 0x31, 0x40, 0, 0]); // torn record: header cut short
        }
        var recovered = await LedgerJournal.RecoverAsync(folder, h.Store, CancellationToken.None);
        Assert.Equal(3, recovered);
        var all = await h.Store.QueryAsync(new LedgerQuery(), CancellationToken.None);
        Assert.Equal(entries.Select(e => e.EntryId), all.Select(e => e.EntryId));
        Assert.Empty(Directory.GetFiles(folder));
        Assert.True((await LedgerVerifier.VerifyAsync(h.Store, null, CancellationToken.None)).IsValid);
    }

    [Fact]
    public async Task Writer_JournalMode_ReturnsAtOnceAndDeletesSegmentAfterCommit()
    {
        await using var h = await StoreHarness.CreateAsync("sqlite");
        var folder = Path.Combine(h.Folder, "journal");
        using var journal = LedgerJournal.Open(folder);
        await using (var w = new LedgerWriter(h.Store, new LedgerStoreOptions { Durability = LedgerDurability.Journal }, null, "n", null, journal))
        {
            for (var i = 0; i < 50; i++)
            {
                await w.AppendAsync(Fixtures.Entry(i), CancellationToken.None);
            }
            Assert.Single(Directory.GetFiles(folder));
            await w.FlushAsync(CancellationToken.None);
        }
        journal.Dispose();
        Assert.Empty(Directory.GetFiles(folder));
        Assert.Equal(50, (await h.Store.QueryAsync(new LedgerQuery(), CancellationToken.None)).Count);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Writer_JournalModeSteadyTrickle_LingersIntoFewTransactions(string kind)
    {
        await using var h = await StoreHarness.CreateAsync(kind);
        var folder = Path.Combine(h.Folder, "journal-" + kind);
        using var journal = LedgerJournal.Open(folder);
        // The longest valid linger (10 s): the trickle below takes well under a second even on a busy shared machine, so only
        // the flush ends the linger and the count is exact (with a short linger it would depend on the machine's speed).
        var options = new LedgerStoreOptions { Durability = LedgerDurability.Journal, JournalBatchLingerMilliseconds = 10_000 };
        await using var w = new LedgerWriter(h.Store, options, null, "n", null, journal);

        var trickle = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            await w.AppendAsync(Fixtures.Entry(i), CancellationToken.None);
            await Task.Delay(5);   // a trickle: without the linger each entry would be its own transaction
        }
        var trickleSeconds = trickle.Elapsed.TotalSeconds;
        await w.FlushAsync(CancellationToken.None);   // cuts the linger short

        Assert.Equal(40, w.CommittedEntries);
        // One batch when the trickle ended within the linger, as it does on any machine that is not starved; a CI run with
        // every test assembly at once once took over 10 s for it, and then each elapsed linger may close one batch more.
        Assert.InRange(w.CommittedBatches, 1, 1 + (int)(trickleSeconds / 10));
        Assert.Equal(40, (await h.Store.QueryAsync(new LedgerQuery(), CancellationToken.None)).Count);
    }

    [Fact]
    public void Writer_JournalModeWithoutJournal_Throws()
    {
        Assert.Throws<LedgerConfigurationException>(() =>
            new LedgerWriter(new SqliteLedgerStore(Path.Combine(Path.GetTempPath(), "unused.db")), new LedgerStoreOptions { Durability = LedgerDurability.Journal }, null, "n"));
    }
}
