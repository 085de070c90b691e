using Hearth.Ledger.Entries;

namespace Hearth.Ledger.Store;

/// <summary>What the first failure of a verification was.</summary>
public enum LedgerFailureKind
{
    None,

    /// <summary>An entry's content no longer matches its hash.</summary>
    Edited,

    /// <summary>An entry is missing (a gap in sequence, or a link to an entry that is not there).</summary>
    Deleted,

    /// <summary>Entries are out of order (an entry links to one that appears after it).</summary>
    Reordered,

    /// <summary>A checkpoint's signature is invalid, its key is not trusted, or it disagrees with the chain.</summary>
    CheckpointMismatch,
}

/// <summary>The outcome of <see cref="LedgerVerifier.VerifyAsync"/>.</summary>
public sealed record LedgerVerification(
    bool IsValid,
    long EntriesChecked,
    long CheckpointsChecked,
    LedgerFailureKind Failure,
    long? FirstBadSequence,
    string Message);

/// <summary>
/// Walks the whole chain in sequence order and names the first edited, deleted or reordered entry; then checks each
/// signed checkpoint (signature, trusted key when one is given, and that the chain still has that hash at that sequence).
/// </summary>
public static class LedgerVerifier
{
    /// <summary>Verifies the ledger in <paramref name="store"/>.</summary>
    /// <param name="store">The store to read.</param>
    /// <param name="trustedPublicKeys">SPKI base64 keys whose checkpoints are trusted; null accepts the key each checkpoint carries.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    public static async Task<LedgerVerification> VerifyAsync(
        ILedgerStore store, IReadOnlyCollection<string>? trustedPublicKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        // Checkpoints are few (one per CheckpointEveryEntries); entries are streamed, so memory stays O(checkpoints).
        var checkpoints = await store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        var checkpointSeqs = checkpoints.Select(c => c.Sequence).ToHashSet();
        var hashAtSequence = new Dictionary<long, string>();
        long expectedSeq = 1;
        var expectedPrev = LedgerHash.Genesis;
        long checkedCount = 0;
        await foreach (var e in ReadAllAsync(store, cancellationToken).ConfigureAwait(false))
        {
            if (e.Sequence != expectedSeq)
            {
                return e.Sequence > expectedSeq
                    ? Fail(LedgerFailureKind.Deleted, expectedSeq, checkedCount,
                        e.Sequence == expectedSeq + 1
                            ? $"entry {expectedSeq} was deleted (sequence jumps from {expectedSeq - 1} to {e.Sequence})"
                            : $"entries {expectedSeq}..{e.Sequence - 1} were deleted (sequence jumps from {expectedSeq - 1} to {e.Sequence})")
                    : Fail(LedgerFailureKind.Reordered, e.Sequence, checkedCount, $"entry {e.Sequence} appears twice or out of order");
            }
            if (!LedgerHash.IsKnownVersion(e.EncodingVersion))
            {
                return Fail(LedgerFailureKind.Edited, e.Sequence, checkedCount,
                    $"entry {e.Sequence} (id {e.EntryId:N}) has encoding version {e.EncodingVersion}, which this build does not know (edited, or written by a newer Hearth)");
            }
            if (!string.Equals(e.PrevHash, expectedPrev, StringComparison.Ordinal))
            {
                var linked = await FindSequenceOfHashAsync(store, e.PrevHash, cancellationToken).ConfigureAwait(false);
                if (linked >= e.Sequence)
                {
                    return Fail(LedgerFailureKind.Reordered, e.Sequence, checkedCount,
                        $"entry {e.Sequence} is out of order: it was written after the entry now at {linked}");
                }
                var selfConsistent = string.Equals(LedgerHash.Compute(e, e.PrevHash), e.Hash, StringComparison.Ordinal);
                return selfConsistent
                    ? Fail(LedgerFailureKind.Deleted, e.Sequence, checkedCount,
                        $"entry {e.Sequence} links to a previous entry that is no longer in the ledger (an entry before it was deleted or rewritten)")
                    : Fail(LedgerFailureKind.Edited, e.Sequence, checkedCount,
                        $"entry {e.Sequence} was edited (its content and its link no longer match its hash)");
            }
            var recomputed = LedgerHash.Compute(e, e.PrevHash);
            if (!string.Equals(recomputed, e.Hash, StringComparison.Ordinal))
            {
                return Fail(LedgerFailureKind.Edited, e.Sequence, checkedCount,
                    $"entry {e.Sequence} (id {e.EntryId:N}) was edited: its content no longer matches its hash");
            }
            if (checkpointSeqs.Contains(e.Sequence))
            {
                hashAtSequence[e.Sequence] = e.Hash;
            }
            expectedPrev = e.Hash;
            expectedSeq++;
            checkedCount++;
        }

        var lastSeq = expectedSeq - 1;
        long cpChecked = 0;
        foreach (var cp in checkpoints)
        {
            if (!NodeKey.VerifySignature(cp))
            {
                return Fail(LedgerFailureKind.CheckpointMismatch, cp.Sequence, checkedCount, $"checkpoint at entry {cp.Sequence} has an invalid signature");
            }
            if (trustedPublicKeys is not null && !trustedPublicKeys.Contains(cp.PublicKeySpkiBase64))
            {
                return Fail(LedgerFailureKind.CheckpointMismatch, cp.Sequence, checkedCount, $"checkpoint at entry {cp.Sequence} is signed by a key this node does not trust");
            }
            if (cp.Sequence > lastSeq)
            {
                return Fail(LedgerFailureKind.Deleted, lastSeq + 1, checkedCount,
                    $"entries {lastSeq + 1}..{cp.Sequence} were deleted: a signed checkpoint covers entry {cp.Sequence} but the ledger ends at {lastSeq}");
            }
            if (!hashAtSequence.TryGetValue(cp.Sequence, out var h) || !string.Equals(h, cp.Hash, StringComparison.Ordinal))
            {
                return Fail(LedgerFailureKind.CheckpointMismatch, cp.Sequence, checkedCount,
                    $"entry {cp.Sequence} differs from the signed checkpoint: the chain up to it was rewritten");
            }
            cpChecked++;
        }
        return new LedgerVerification(true, checkedCount, cpChecked, LedgerFailureKind.None, null,
            $"ok: {checkedCount} entries and {cpChecked} signed checkpoints verified");
    }

    /// <summary>Sequence of the stored entry whose hash is <paramref name="hash"/>, or -1 (one extra scan, only on failure).</summary>
    private static async Task<long> FindSequenceOfHashAsync(ILedgerStore store, string hash, CancellationToken ct)
    {
        await foreach (var e in ReadAllAsync(store, ct).ConfigureAwait(false))
        {
            if (string.Equals(e.Hash, hash, StringComparison.Ordinal))
            {
                return e.Sequence;
            }
        }
        return -1;
    }

    private static async IAsyncEnumerable<LedgerEntry> ReadAllAsync(ILedgerStore store, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long after = long.MinValue;
        while (true)
        {
            var page = await store.QueryAsync(new LedgerQuery { AfterSequence = after, Limit = 10_000 }, ct).ConfigureAwait(false);
            foreach (var e in page)
            {
                yield return e;
            }
            if (page.Count < 10_000)
            {
                yield break;
            }
            after = page[^1].Sequence;
        }
    }

    private static LedgerVerification Fail(LedgerFailureKind kind, long seq, long checkedCount, string message) =>
        new(false, checkedCount, 0, kind, seq, message);
}
