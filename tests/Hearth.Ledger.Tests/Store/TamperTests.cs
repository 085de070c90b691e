using Hearth.Ledger.Store;

namespace Hearth.Ledger.Tests.Store;

public class TamperTests
{
    private static async Task<StoreHarness> FilledAsync(string kind, int n = 10)
    {
        var h = await StoreHarness.CreateAsync(kind);
        await h.Store.AppendBatchAsync(Enumerable.Range(0, n).Select(i => Fixtures.Entry(i)).ToList(), CancellationToken.None);
        return h;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_UntouchedChain_IsValid(string kind)
    {
        await using var h = await FilledAsync(kind);
        var v = await LedgerVerifier.VerifyAsync(h.Store, null, CancellationToken.None);
        Assert.True(v.IsValid, v.Message);
        Assert.Equal(10, v.EntriesChecked);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_AmountEditedWithPlainSql_NamesEditedEntry(string kind)
    {
        await using var h = await FilledAsync(kind);
        await h.ExecAsync($"UPDATE {h.Table("ledger_entries")} SET energy_wh = energy_wh / 10 WHERE seq = 4");
        var v = await LedgerVerifier.VerifyAsync(h.Store, null, CancellationToken.None);
        Assert.False(v.IsValid);
        Assert.Equal(LedgerFailureKind.Edited, v.Failure);
        Assert.Equal(4, v.FirstBadSequence);
        Assert.Contains("entry 4", v.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_RowDeletedWithPlainSql_NamesDeletedEntry(string kind)
    {
        await using var h = await FilledAsync(kind);
        await h.ExecAsync($"DELETE FROM {h.Table("ledger_entries")} WHERE seq = 6");
        var v = await LedgerVerifier.VerifyAsync(h.Store, null, CancellationToken.None);
        Assert.False(v.IsValid);
        Assert.Equal(LedgerFailureKind.Deleted, v.Failure);
        Assert.Equal(6, v.FirstBadSequence);
        Assert.Contains("entry 6 was deleted", v.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_TwoRowsSwappedWithPlainSql_NamesReorderedEntry(string kind)
    {
        await using var h = await FilledAsync(kind);
        var t = h.Table("ledger_entries");
        await h.ExecAsync($"UPDATE {t} SET seq = -1 WHERE seq = 3; UPDATE {t} SET seq = 3 WHERE seq = 7; UPDATE {t} SET seq = 7 WHERE seq = -1;");
        var v = await LedgerVerifier.VerifyAsync(h.Store, null, CancellationToken.None);
        Assert.False(v.IsValid);
        Assert.Equal(LedgerFailureKind.Reordered, v.Failure);
        Assert.Equal(3, v.FirstBadSequence);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_TailDeletedBelowSignedCheckpoint_NamesDeletedRange(string kind)
    {
        await using var h = await FilledAsync(kind);
        using var key = NodeKey.LoadOrCreate(h.Folder);
        var head = await h.Store.GetHeadAsync(CancellationToken.None);
        await h.Store.AppendCheckpointAsync(key.SignCheckpoint(head.Sequence, head.Hash, DateTimeOffset.UtcNow, "node-a"), CancellationToken.None);
        await h.ExecAsync($"DELETE FROM {h.Table("ledger_entries")} WHERE seq >= 9");
        var v = await LedgerVerifier.VerifyAsync(h.Store, [key.PublicKeySpkiBase64], CancellationToken.None);
        Assert.False(v.IsValid);
        Assert.Equal(LedgerFailureKind.Deleted, v.Failure);
        Assert.Equal(9, v.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_CheckpointFromUntrustedKey_Fails()
    {
        await using var h = await FilledAsync("sqlite");
        using var key = NodeKey.LoadOrCreate(h.Folder);
        var head = await h.Store.GetHeadAsync(CancellationToken.None);
        await h.Store.AppendCheckpointAsync(key.SignCheckpoint(head.Sequence, head.Hash, DateTimeOffset.UtcNow, "node-a"), CancellationToken.None);
        var v = await LedgerVerifier.VerifyAsync(h.Store, ["MFkwEwYHKoZIzj0CAQ=="], CancellationToken.None);
        Assert.False(v.IsValid);
        Assert.Equal(LedgerFailureKind.CheckpointMismatch, v.Failure);
    }
}
