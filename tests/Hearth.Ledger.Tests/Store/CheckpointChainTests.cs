using System.Globalization;
using System.Text;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;
using Hearth.TestSupport;

namespace Hearth.Ledger.Tests.Store;

/// <summary>
/// Issue 10, item 5: the attacks of the security probe, with plain SQL on the database of a ledger written by the real
/// writer (checkpoint every 1000 entries, anchor file beside the key) — verify must fail and name the problem.
/// </summary>
public class CheckpointChainTests
{
    private const int Interval = 1000;
    private const int Entries = 2500;

    /// <summary>A harness whose ledger holds <see cref="Entries"/> entries written by a <see cref="LedgerWriter"/> with key and anchor, closed with a final checkpoint.</summary>
    private static async Task<(StoreHarness Harness, NodeKey Key, string Anchor)> WrittenAsync(string kind)
    {
        var h = await StoreHarness.CreateAsync(kind);
        var key = NodeKey.LoadOrCreate(h.Folder);
        var anchor = LedgerAnchor.PathIn(h.Folder);
        await WriteAsync(h.Store, key, anchor, Entries, 0);
        return (h, key, anchor);
    }

    private static async Task WriteAsync(ILedgerStore store, NodeKey key, string anchor, int count, int first)
    {
        var options = new LedgerStoreOptions { Durability = LedgerDurability.GroupCommit, MaxBatchEntries = 100, CheckpointEveryEntries = Interval };
        await using var writer = new LedgerWriter(store, options, key, "node-a", anchorPath: anchor);
        // Appended concurrently so they commit in batches of up to 100 (sequential group commits would cost one fsync each).
        await Task.WhenAll(Enumerable.Range(first, count).Select(i => writer.AppendAsync(Fixtures.Entry(i), CancellationToken.None).AsTask()));
        await writer.FlushAsync(CancellationToken.None);
        await writer.CheckpointNowAsync(CancellationToken.None);
    }

    private static LedgerVerifyOptions Options(NodeKey key, string anchor) =>
        new() { TrustedPublicKeys = [key.PublicKeySpkiBase64], CheckpointEveryEntries = Interval, AnchorPath = anchor };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_WrittenByWriter_ValidWithChainedCheckpointsAndMatchingAnchor(string kind)
    {
        var (h, key, anchor) = await WrittenAsync(kind);
        await using var _ = h;
        using var __ = key;

        var v = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);
        var cps = await h.Store.ReadCheckpointsAsync(CancellationToken.None);

        Assert.True(v.IsValid, v.Message);
        Assert.Equal(AnchorStatus.Matches, v.Anchor);
        Assert.Equal(0, v.LegacyCheckpoints);
        Assert.True(cps.Count >= 3, $"{cps.Count} checkpoints");
        Assert.All(cps, c => Assert.Equal((CheckpointChain.CurrentVersion, c.Sequence), (c.Version, c.EntryCount)));
        Assert.Equal(CheckpointChain.Genesis, cps[0].PreviousCheckpointHash);
        Assert.Equal(CheckpointChain.HashOf(cps[^2]), cps[^1].PreviousCheckpointHash);
        Assert.Equal(Entries, LedgerAnchor.TryRead(anchor)!.Sequence);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_TailAndAllCheckpointsDeleted_FailsNamingDeletedEntries(string kind)
    {
        var (h, key, anchor) = await WrittenAsync(kind);
        await using var _ = h;
        using var __ = key;

        // The probe's attack: delete from ledger_entries where seq>2000; delete from ledger_checkpoints;
        await h.ExecAsync($"DELETE FROM {h.Table("ledger_entries")} WHERE seq > 2000; DELETE FROM {h.Table("ledger_checkpoints")};");
        var withAnchor = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);
        File.Delete(anchor);
        var anchorDeletedToo = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);

        Assert.False(withAnchor.IsValid);
        Assert.Equal((LedgerFailureKind.Deleted, 2001L, AnchorStatus.Disagrees), (withAnchor.Failure, withAnchor.FirstBadSequence, withAnchor.Anchor));
        Assert.Contains("entries 2001..2500 were deleted: the anchor", withAnchor.Message, StringComparison.Ordinal);
        Assert.False(anchorDeletedToo.IsValid);
        Assert.Equal((LedgerFailureKind.Uncovered, 1L, AnchorStatus.Missing), (anchorDeletedToo.Failure, anchorDeletedToo.FirstBadSequence, anchorDeletedToo.Anchor));
        Assert.Contains("entries 1..2000 (2000) follow the last signed checkpoint (there is none)", anchorDeletedToo.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_942EntriesRewrittenWithRecomputedHashesAndTheirCheckpointsDeleted_Fails(string kind)
    {
        var (h, key, anchor) = await WrittenAsync(kind);
        await using var _ = h;
        using var __ = key;
        const long firstRewritten = Entries - 942 + 1;

        // The probe's second attack: cut the energy of the last 942 entries, recompute their hashes (and the chain after
        // them), and delete the checkpoints that cover them — all with plain SQL.
        var all = await h.Store.QueryAsync(new LedgerQuery { Limit = 1_000_000 }, CancellationToken.None);
        var sql = new StringBuilder();
        var prev = all.Single(e => e.Sequence == firstRewritten - 1).Hash;
        foreach (var e in all.Where(e => e.Sequence >= firstRewritten))
        {
            var forged = e with { EnergyWattHours = e.EnergyWattHours / 10, PrevHash = prev };
            var hash = LedgerHash.Compute(forged, prev);
            sql.Append(CultureInfo.InvariantCulture,
                $"UPDATE {h.Table("ledger_entries")} SET energy_wh = {forged.EnergyWattHours:R}, prev_hash = '{prev}', hash = '{hash}' WHERE seq = {e.Sequence};\n");
            prev = hash;
        }
        sql.Append(CultureInfo.InvariantCulture, $"DELETE FROM {h.Table("ledger_checkpoints")} WHERE seq >= {firstRewritten};");
        await h.ExecAsync(sql.ToString());
        var chainOnly = await LedgerVerifier.VerifyAsync(h.Store, [key.PublicKeySpkiBase64], CancellationToken.None);
        var withAnchor = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);
        File.Delete(anchor);
        var anchorDeletedToo = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);

        Assert.True(chainOnly.IsValid, chainOnly.Message); // what the probe saw: the entry chain alone is self-consistent
        Assert.False(withAnchor.IsValid);
        Assert.Equal((LedgerFailureKind.AnchorMismatch, (long)Entries), (withAnchor.Failure, withAnchor.FirstBadSequence));
        Assert.Contains($"the anchored checkpoint at entry {Entries}", withAnchor.Message, StringComparison.Ordinal);
        Assert.Contains("the chain was rewritten", withAnchor.Message, StringComparison.Ordinal);
        Assert.False(anchorDeletedToo.IsValid);
        Assert.Equal(LedgerFailureKind.Uncovered, anchorDeletedToo.Failure);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_MiddleCheckpointDeleted_FailsAtTheNextCheckpoint(string kind)
    {
        var (h, key, anchor) = await WrittenAsync(kind);
        await using var _ = h;
        using var __ = key;
        var cps = await h.Store.ReadCheckpointsAsync(CancellationToken.None);

        await h.ExecAsync($"DELETE FROM {h.Table("ledger_checkpoints")} WHERE seq = {cps[1].Sequence}");
        var v = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);

        Assert.False(v.IsValid);
        Assert.Equal((LedgerFailureKind.CheckpointDeleted, cps[2].Sequence), (v.Failure, v.FirstBadSequence));
        Assert.Contains($"a checkpoint between the checkpoint at entry {cps[0].Sequence} and entry {cps[2].Sequence} was deleted", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CheckpointEntryCountEdited_FailsAsMismatch()
    {
        var (h, key, anchor) = await WrittenAsync("sqlite");
        await using var _ = h;
        using var __ = key;

        await h.ExecAsync("UPDATE ledger_checkpoints SET entry_count = entry_count + 1 WHERE seq = (SELECT MIN(seq) FROM ledger_checkpoints)");
        var v = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);

        Assert.False(v.IsValid);
        Assert.Equal(LedgerFailureKind.CheckpointMismatch, v.Failure);
        Assert.Contains("invalid signature", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writer_RestartAfterCheckpointsDeleted_NextCheckpointKeepsTheDeletionEvident()
    {
        var (h, key, anchor) = await WrittenAsync("sqlite");
        await using var _ = h;
        using var __ = key;

        await h.ExecAsync("DELETE FROM ledger_checkpoints");
        await WriteAsync(h.Store, key, anchor, 10, Entries); // a restarted node signs its next checkpoint
        var v = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);
        var first = (await h.Store.ReadCheckpointsAsync(CancellationToken.None))[0].Sequence; // the restarted writer's first (batch timing decides where)

        Assert.True(first > Entries, $"first checkpoint at {first}");
        Assert.False(v.IsValid);
        Assert.Equal((LedgerFailureKind.CheckpointDeleted, first), (v.Failure, v.FirstBadSequence));
        Assert.Contains($"a checkpoint between the start of the ledger and entry {first} was deleted", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnchorFileEditedOrGarbage_FailsNamingTheAnchor()
    {
        var (h, key, anchor) = await WrittenAsync("sqlite");
        await using var _ = h;
        using var __ = key;

        File.WriteAllText(anchor, File.ReadAllText(anchor).Replace($"\"sequence\": {Entries}", "\"sequence\": 2400", StringComparison.Ordinal));
        var edited = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);
        File.WriteAllText(anchor, "{ not json");
        var garbage = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);

        Assert.Equal((LedgerFailureKind.AnchorMismatch, AnchorStatus.Disagrees), (edited.Failure, edited.Anchor));
        Assert.Contains("invalid signature", edited.Message, StringComparison.Ordinal);
        Assert.Equal((LedgerFailureKind.AnchorMismatch, AnchorStatus.Disagrees), (garbage.Failure, garbage.Anchor));
        Assert.Contains(anchor, garbage.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", garbage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LegacyLedger_ClearVerdictThenTheNodeChainsOntoIt()
    {
        using var dir = new TempDir("hearth-legacy-");
        var db = dir.File("ledger.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Data", "ledger-v1.db"), db);
        await using var store = new SqliteLedgerStore(db);
        await store.MigrateAsync(CancellationToken.None);
        using var key = NodeKey.LoadOrCreate(dir.Path);
        var anchor = LedgerAnchor.PathIn(dir.Path);
        var options = new LedgerVerifyOptions { CheckpointEveryEntries = Interval, AnchorPath = anchor };

        var legacy = await LedgerVerifier.VerifyWithOptionsAsync(store, options, CancellationToken.None);
        var options2 = new LedgerStoreOptions { Durability = LedgerDurability.GroupCommit, CheckpointEveryEntries = Interval };
        await using (var writer = new LedgerWriter(store, options2, key, "node-v1", anchorPath: anchor))
        {
            await writer.AppendAsync(Fixtures.Entry(40), CancellationToken.None);
            await writer.CheckpointNowAsync(CancellationToken.None);
        }
        var chained = await LedgerVerifier.VerifyWithOptionsAsync(store, options, CancellationToken.None);
        var cps = await store.ReadCheckpointsAsync(CancellationToken.None);

        Assert.True(legacy.IsValid, legacy.Message);
        Assert.Equal((3L, AnchorStatus.Missing), (legacy.LegacyCheckpoints, legacy.Anchor));
        Assert.Contains("legacy checkpoints: all 3 were written before checkpoints were chained", legacy.Message, StringComparison.Ordinal);
        Assert.Contains("anchor missing", legacy.Message, StringComparison.Ordinal);
        Assert.True(chained.IsValid, chained.Message);
        Assert.Equal((3L, AnchorStatus.Matches), (chained.LegacyCheckpoints, chained.Anchor));
        Assert.Equal(CheckpointChain.HashOf(cps[2]), cps[3].PreviousCheckpointHash);
    }

    [Fact]
    public async Task Verify_LegacyCheckpointAfterChainedOnes_Fails()
    {
        var (h, key, anchor) = await WrittenAsync("sqlite");
        await using var _ = h;
        using var __ = key;
        await h.Store.AppendBatchAsync([Fixtures.Entry(9000)], CancellationToken.None);
        var head = await h.Store.GetHeadAsync(CancellationToken.None);

        await h.Store.AppendCheckpointAsync(key.SignLegacyCheckpoint(head.Sequence, head.Hash, DateTimeOffset.UtcNow, "node-a"), CancellationToken.None);
        var v = await LedgerVerifier.VerifyWithOptionsAsync(h.Store, Options(key, anchor), CancellationToken.None);

        Assert.Equal((LedgerFailureKind.CheckpointMismatch, head.Sequence), (v.Failure, v.FirstBadSequence));
        Assert.Contains("unchained legacy checkpoint after chained ones", v.Message, StringComparison.Ordinal);
    }
}
