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

    /// <summary>A signed checkpoint was deleted: the next one of its node links to a checkpoint that is not there, or the anchor's is gone.</summary>
    CheckpointDeleted,

    /// <summary>More entries than the checkpoint interval follow the last signed checkpoint (its checkpoints were deleted).</summary>
    Uncovered,

    /// <summary>The anchor file is unreadable, not signed by a trusted key, or disagrees with the ledger's checkpoint.</summary>
    AnchorMismatch,
}

/// <summary>What <see cref="LedgerVerifier"/> found about the anchor file (<see cref="LedgerAnchor"/>).</summary>
public enum AnchorStatus
{
    /// <summary>No anchor path was given.</summary>
    NotChecked,

    /// <summary>The anchor's checkpoint is in the ledger, unchanged.</summary>
    Matches,

    /// <summary>No file at the anchor path: the tail after the last checkpoint could not be checked against an outside copy.</summary>
    Missing,

    /// <summary>The anchor was read and the ledger fails against it (see the failure).</summary>
    Disagrees,
}

/// <summary>What <see cref="LedgerVerifier.VerifyWithOptionsAsync"/> checks beyond the hash chain.</summary>
public sealed record LedgerVerifyOptions
{
    /// <summary>SPKI base64 keys whose checkpoints are trusted; null accepts the key each checkpoint carries.</summary>
    public IReadOnlyCollection<string>? TrustedPublicKeys { get; init; }

    /// <summary>
    /// The node's checkpoint interval (<see cref="Options.LedgerStoreOptions.CheckpointEveryEntries"/>): more entries than
    /// this after the last checkpoint fail as <see cref="LedgerFailureKind.Uncovered"/>. Null skips the tail check.
    /// </summary>
    public int? CheckpointEveryEntries { get; init; }

    /// <summary>The anchor file to compare with (<see cref="LedgerAnchor.PathIn"/>, or a copy shipped elsewhere); null skips it.</summary>
    public string? AnchorPath { get; init; }
}

/// <summary>The outcome of <see cref="LedgerVerifier.VerifyWithOptionsAsync"/>.</summary>
/// <param name="LegacyCheckpoints">Version-1 checkpoints (written before checkpoints were chained): their deletion cannot be detected.</param>
public sealed record LedgerVerification(
    bool IsValid,
    long EntriesChecked,
    long CheckpointsChecked,
    LedgerFailureKind Failure,
    long? FirstBadSequence,
    string Message,
    AnchorStatus Anchor = AnchorStatus.NotChecked,
    long LegacyCheckpoints = 0);

/// <summary>
/// Walks the whole chain in sequence order and names the first edited, deleted or reordered entry; then checks each
/// signed checkpoint (signature, trusted key when one is given, that the chain still has that hash at that sequence, and
/// that each node's chained checkpoints link to one another), then the anchor file, then that no more than the checkpoint
/// interval of entries follows the last checkpoint.
/// </summary>
public static class LedgerVerifier
{
    /// <summary>Verifies the hash chain and checkpoints only (no tail or anchor check).</summary>
    /// <param name="store">The store to read.</param>
    /// <param name="trustedPublicKeys">SPKI base64 keys whose checkpoints are trusted; null accepts the key each checkpoint carries.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    public static Task<LedgerVerification> VerifyAsync(
        ILedgerStore store, IReadOnlyCollection<string>? trustedPublicKeys, CancellationToken cancellationToken) =>
        VerifyWithOptionsAsync(store, new LedgerVerifyOptions { TrustedPublicKeys = trustedPublicKeys }, cancellationToken);

    /// <summary>Verifies the ledger in <paramref name="store"/> with the checks <paramref name="options"/> turns on.</summary>
    public static async Task<LedgerVerification> VerifyWithOptionsAsync(ILedgerStore store, LedgerVerifyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var trustedPublicKeys = options.TrustedPublicKeys;
        LedgerCheckpoint? anchor = null;
        if (options.AnchorPath is { } anchorPath)
        {
            try
            {
                anchor = LedgerAnchor.TryRead(anchorPath);
            }
            catch (LedgerFormatException ex)
            {
                return Fail(LedgerFailureKind.AnchorMismatch, null, 0, ex.Message + " (restore the shipped copy, or pass it with --anchor)") with
                {
                    Anchor = AnchorStatus.Disagrees,
                };
            }
        }
        // Checkpoints are few (one per CheckpointEveryEntries); entries are streamed, so memory stays O(checkpoints).
        var checkpoints = await store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        var checkpointSeqs = checkpoints.Select(c => c.Sequence).ToHashSet();
        if (anchor is not null)
        {
            checkpointSeqs.Add(anchor.Sequence);
        }
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
        long legacy = 0;
        var lastOfNode = new Dictionary<string, LedgerCheckpoint>(StringComparer.Ordinal);
        foreach (var cp in checkpoints)
        {
            if (!NodeKey.VerifySignature(cp))
            {
                return Fail(LedgerFailureKind.CheckpointMismatch, cp.Sequence, checkedCount,
                    CheckpointChain.IsKnownVersion(cp.Version)
                        ? $"checkpoint at entry {cp.Sequence} has an invalid signature"
                        : $"checkpoint at entry {cp.Sequence} has version {cp.Version}, which this build does not know (edited, or written by a newer Hearth)");
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
            lastOfNode.TryGetValue(cp.NodeId, out var previous);
            if (cp.Version == CheckpointChain.LegacyVersion)
            {
                if (previous is { Version: > CheckpointChain.LegacyVersion })
                {
                    return Fail(LedgerFailureKind.CheckpointMismatch, cp.Sequence, checkedCount,
                        $"checkpoint at entry {cp.Sequence} (node '{cp.NodeId}') is an unchained legacy checkpoint after chained ones: it was not written by this node's Hearth");
                }
                legacy++;
            }
            else
            {
                if (cp.EntryCount != cp.Sequence)
                {
                    return Fail(LedgerFailureKind.CheckpointMismatch, cp.Sequence, checkedCount,
                        $"checkpoint at entry {cp.Sequence} vouches for {cp.EntryCount} entries, but the chain has {cp.Sequence} up to it");
                }
                var expected = previous is null ? CheckpointChain.Genesis : CheckpointChain.HashOf(previous);
                if (!string.Equals(cp.PreviousCheckpointHash, expected, StringComparison.Ordinal))
                {
                    var after = previous is null ? "the start of the ledger" : $"the checkpoint at entry {previous.Sequence}";
                    return Fail(LedgerFailureKind.CheckpointDeleted, cp.Sequence, checkedCount,
                        $"checkpoint at entry {cp.Sequence} (node '{cp.NodeId}') was signed after a checkpoint that is no longer in the ledger: "
                        + $"a checkpoint between {after} and entry {cp.Sequence} was deleted");
                }
            }
            lastOfNode[cp.NodeId] = cp;
            cpChecked++;
        }

        var anchorStatus = AnchorStatus.NotChecked;
        var notes = new List<string>();
        if (options.AnchorPath is { } path)
        {
            if (anchor is null)
            {
                anchorStatus = AnchorStatus.Missing;
                notes.Add($"anchor missing: no {path}, so deletions after the last checkpoint could not be checked against an outside copy");
            }
            else
            {
                if (CheckAnchor(anchor, path, checkpoints, hashAtSequence, lastSeq, trustedPublicKeys, checkedCount) is { } bad)
                {
                    return bad with { Anchor = AnchorStatus.Disagrees };
                }
                anchorStatus = AnchorStatus.Matches;
                notes.Add($"anchor matches the checkpoint at entry {anchor.Sequence}");
            }
        }

        var lastCovered = checkpoints.Count == 0 ? 0 : checkpoints[^1].Sequence;
        if (options.CheckpointEveryEntries is { } every && lastSeq - lastCovered > every)
        {
            return Fail(LedgerFailureKind.Uncovered, lastCovered + 1, checkedCount,
                $"entries {lastCovered + 1}..{lastSeq} ({lastSeq - lastCovered}) follow the last signed checkpoint "
                + (lastCovered == 0 ? "(there is none)" : $"(entry {lastCovered})")
                + $", but the node signs one every {every} entries: checkpoints were deleted (or the node was killed between a commit and its checkpoint; it signs one at its next batch)") with
            {
                Anchor = anchorStatus,
                LegacyCheckpoints = legacy,
            };
        }
        if (legacy > 0)
        {
            notes.Add(legacy == cpChecked
                ? $"legacy checkpoints: all {legacy} were written before checkpoints were chained, so deleting some of them cannot be detected; run the node (it chains its next checkpoint onto them and writes the anchor file)"
                : $"{legacy} legacy (unchained) checkpoints before the chained ones");
        }
        var message = $"ok: {checkedCount} entries and {cpChecked} signed checkpoints verified" + (notes.Count > 0 ? "; " + string.Join("; ", notes) : "");
        return new LedgerVerification(true, checkedCount, cpChecked, LedgerFailureKind.None, null, message, anchorStatus, legacy);
    }

    /// <summary>Null when the anchor's checkpoint is in the ledger unchanged; otherwise the failure.</summary>
    private static LedgerVerification? CheckAnchor(
        LedgerCheckpoint anchor, string path, IReadOnlyList<LedgerCheckpoint> checkpoints, Dictionary<long, string> hashAtSequence, long lastSeq,
        IReadOnlyCollection<string>? trustedPublicKeys, long checkedCount)
    {
        if (!NodeKey.VerifySignature(anchor))
        {
            return Fail(LedgerFailureKind.AnchorMismatch, anchor.Sequence, checkedCount, $"anchor {path} has an invalid signature (edited)");
        }
        if (trustedPublicKeys is not null && !trustedPublicKeys.Contains(anchor.PublicKeySpkiBase64))
        {
            return Fail(LedgerFailureKind.AnchorMismatch, anchor.Sequence, checkedCount, $"anchor {path} is signed by a key this node does not trust");
        }
        if (anchor.Sequence > lastSeq)
        {
            return Fail(LedgerFailureKind.Deleted, lastSeq + 1, checkedCount,
                $"entries {lastSeq + 1}..{anchor.Sequence} were deleted: the anchor {path} vouches for entry {anchor.Sequence} but the ledger ends at {lastSeq}");
        }
        var stored = checkpoints.FirstOrDefault(c => c.Sequence == anchor.Sequence);
        if (stored is null)
        {
            var entryChanged = !hashAtSequence.TryGetValue(anchor.Sequence, out var h) || !string.Equals(h, anchor.Hash, StringComparison.Ordinal);
            return Fail(entryChanged ? LedgerFailureKind.AnchorMismatch : LedgerFailureKind.CheckpointDeleted, anchor.Sequence, checkedCount,
                $"the anchored checkpoint at entry {anchor.Sequence} ({path}) is not in the ledger: it was deleted"
                + (entryChanged ? $", and entry {anchor.Sequence} no longer has the anchored hash (the chain was rewritten)" : ""));
        }
        if (!string.Equals(CheckpointChain.HashOf(stored), CheckpointChain.HashOf(anchor), StringComparison.Ordinal))
        {
            return Fail(LedgerFailureKind.AnchorMismatch, anchor.Sequence, checkedCount,
                $"the ledger's checkpoint at entry {anchor.Sequence} disagrees with the anchor {path} (it was replaced)");
        }
        return null;
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

    private static LedgerVerification Fail(LedgerFailureKind kind, long? seq, long checkedCount, string message) =>
        new(false, checkedCount, 0, kind, seq, message);
}
