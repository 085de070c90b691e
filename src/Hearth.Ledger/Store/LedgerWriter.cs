using System.Threading.Channels;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;

namespace Hearth.Ledger.Store;

/// <summary>Something entries can be appended to (the request path's view of the ledger).</summary>
public interface ILedgerAppender
{
    /// <summary>
    /// Appends an entry. With <see cref="LedgerDurability.GroupCommit"/> the task completes when the batch holding the
    /// entry has committed and returns the sealed entry (sequence and hash set); with <see cref="LedgerDurability.Queued"/>
    /// it completes as soon as the entry is queued and returns it unsealed.
    /// </summary>
    ValueTask<LedgerEntry> AppendAsync(LedgerEntry entry, CancellationToken cancellationToken);
}

/// <summary>
/// Batches appends off the request path: callers enqueue; one loop drains up to <see cref="LedgerStoreOptions.MaxBatchEntries"/>
/// entries into one store transaction (group commit), completes the callers, and signs a checkpoint every
/// <see cref="LedgerStoreOptions.CheckpointEveryEntries"/> entries. With journal durability it lingers
/// <see cref="LedgerStoreOptions.JournalBatchLingerMilliseconds"/> after the first queued entry (a flush or dispose cuts the
/// wait short), so commits — and fsyncs — stay few under a steady load.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="AppendAsync"/> may be called concurrently. Dispose flushes what is queued.
/// A failed batch fails every caller in it with the store's exception; the loop continues with the next batch.
/// </remarks>
public sealed class LedgerWriter : ILedgerAppender, IAsyncDisposable
{
    private readonly ILedgerStore _store;
    private readonly LedgerStoreOptions _options;
    private readonly NodeKey? _key;
    private readonly LedgerJournal? _journal;
    private readonly string _nodeId;
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _queue;
    private readonly Task _loop;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly string? _anchorPath;
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private long _lastCheckpointSequence = -1;
    private LedgerCheckpoint? _lastOwnCheckpoint;
    private long _committed;
    private long _batches;

    /// <param name="store">Where entries are committed.</param>
    /// <param name="options">Batching, durability and checkpoint settings.</param>
    /// <param name="key">Signs checkpoints; null writes none.</param>
    /// <param name="nodeId">Node id in checkpoints.</param>
    /// <param name="time">Clock for checkpoint times.</param>
    /// <param name="journal">Required for <see cref="LedgerDurability.Journal"/> (recover it before opening).</param>
    /// <param name="anchorPath">
    /// Where the latest checkpoint is also written (<see cref="LedgerAnchor"/>); null writes no anchor. When the anchor
    /// vouches for a later checkpoint of this node than the store holds, the next checkpoint chains onto the anchor's, so
    /// deleted checkpoints stay evident after a restart.
    /// </param>
    public LedgerWriter(
        ILedgerStore store, LedgerStoreOptions options, NodeKey? key, string nodeId, TimeProvider? time = null, LedgerJournal? journal = null,
        string? anchorPath = null)
    {
        _anchorPath = anchorPath;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _key = key;
        _journal = journal;
        if (options.Durability == LedgerDurability.Journal && journal is null)
        {
            throw new LedgerConfigurationException("Store.Durability: Journal needs a LedgerJournal (see LedgerJournal.Open).");
        }
        _nodeId = nodeId;
        _time = time ?? TimeProvider.System;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1024, options.MaxBatchEntries * 8))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Entries committed by this writer.</summary>
    public long CommittedEntries => Interlocked.Read(ref _committed);

    /// <summary>Transactions committed by this writer.</summary>
    public long CommittedBatches => Interlocked.Read(ref _batches);

    /// <summary>Called with any exception of a failed batch (after its callers were failed); for logging.</summary>
    public Action<Exception>? OnBatchFailed { get; init; }

    public ValueTask<LedgerEntry> AppendAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var durable = _options.Durability == LedgerDurability.GroupCommit;
        var segment = _options.Durability == LedgerDurability.Journal ? _journal!.Append(entry) : null;
        var pending = new Pending(entry, durable ? new TaskCompletionSource<LedgerEntry>(TaskCreationOptions.RunContinuationsAsynchronously) : null, segment);
        if (!_queue.Writer.TryWrite(pending))
        {
            return SlowAsync(pending, cancellationToken);
        }
        return durable ? new ValueTask<LedgerEntry>(pending.Done!.Task.WaitAsync(cancellationToken)) : ValueTask.FromResult(entry);
    }

    private async ValueTask<LedgerEntry> SlowAsync(Pending pending, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("The ledger writer is closed.", ex);
        }
        return pending.Done is { } d ? await d.Task.WaitAsync(cancellationToken).ConfigureAwait(false) : pending.Entry!;
    }

    /// <summary>Waits until everything queued before the call is committed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var marker = new Pending(null, new TaskCompletionSource<LedgerEntry>(TaskCreationOptions.RunContinuationsAsynchronously), null);
        await _queue.Writer.WriteAsync(marker, cancellationToken).ConfigureAwait(false);
        _wake.Release();   // cut a linger short: the caller is waiting for the commit
        await marker.Done!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_options.MaxBatchEntries);
        var entries = new List<LedgerEntry>(_options.MaxBatchEntries);
        var reader = _queue.Reader;
        var linger = _options.Durability == LedgerDurability.Journal ? TimeSpan.FromMilliseconds(_options.JournalBatchLingerMilliseconds) : TimeSpan.Zero;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (linger > TimeSpan.Zero && reader.Count < _options.MaxBatchEntries && !reader.Completion.IsCompleted)
            {
                await _wake.WaitAsync(linger).ConfigureAwait(false);
                while (_wake.CurrentCount > 0 && _wake.Wait(0))
                {
                    // Drain extra releases: one wake-up serves every flush queued so far.
                }
            }
            batch.Clear();
            entries.Clear();
            while (batch.Count < _options.MaxBatchEntries && reader.TryRead(out var p))
            {
                batch.Add(p);
                if (p.Entry is { } e)
                {
                    entries.Add(e);
                }
            }
            try
            {
                var sealedEntries = await _store.AppendBatchAsync(entries, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref _committed, sealedEntries.Count);
                Interlocked.Increment(ref _batches);
                var i = 0;
                foreach (var p in batch)
                {
                    if (p.Entry is null)
                    {
                        p.Done!.TrySetResult(null!);
                    }
                    else
                    {
                        p.Done?.TrySetResult(sealedEntries[i]);
                        if (p.Segment is { } seg)
                        {
                            _journal!.Committed(seg);
                        }
                        i++;
                    }
                }
                if (sealedEntries.Count > 0)
                {
                    await MaybeCheckpointAsync(sealedEntries[^1]).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                foreach (var p in batch)
                {
                    p.Done?.TrySetException(ex);
                }
                OnBatchFailed?.Invoke(ex);
            }
        }
    }

    private async Task MaybeCheckpointAsync(LedgerEntry last)
    {
        if (_key is null)
        {
            return;
        }
        await _checkpointGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await LoadCheckpointStateAsync(CancellationToken.None).ConfigureAwait(false);
            if (last.Sequence - _lastCheckpointSequence >= _options.CheckpointEveryEntries)
            {
                await SignAsync(last.Sequence, last.Hash, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>Signs a checkpoint at the current head now (e.g. at shutdown), unless one exists there.</summary>
    public async Task CheckpointNowAsync(CancellationToken cancellationToken)
    {
        if (_key is null)
        {
            return;
        }
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadCheckpointStateAsync(cancellationToken).ConfigureAwait(false);
            var head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            if (head.Sequence > 0 && head.Sequence != _lastCheckpointSequence)
            {
                await SignAsync(head.Sequence, head.Hash, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>Once: the last checkpoint sequence (any node) and this node's last checkpoint (store or anchor, the later).</summary>
    private async Task LoadCheckpointStateAsync(CancellationToken cancellationToken)
    {
        if (_lastCheckpointSequence >= 0)
        {
            return;
        }
        var cps = await _store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        var own = cps.LastOrDefault(c => string.Equals(c.NodeId, _nodeId, StringComparison.Ordinal));
        LedgerCheckpoint? anchor = null;
        if (_anchorPath is not null)
        {
            try
            {
                anchor = LedgerAnchor.TryRead(_anchorPath);
            }
            catch (LedgerFormatException)
            {
                // An unreadable anchor is reported by verify; the next checkpoint replaces it.
            }
        }
        if (anchor is not null && string.Equals(anchor.NodeId, _nodeId, StringComparison.Ordinal) && NodeKey.VerifySignature(anchor)
            && anchor.Sequence >= (own?.Sequence ?? 0)
            && (own is null || !string.Equals(CheckpointChain.HashOf(anchor), CheckpointChain.HashOf(own), StringComparison.Ordinal)))
        {
            own = anchor;
        }
        _lastOwnCheckpoint = own;
        _lastCheckpointSequence = cps.Count == 0 ? 0 : cps[^1].Sequence;
    }

    private async Task SignAsync(long sequence, string hash, CancellationToken cancellationToken)
    {
        var cp = _key!.SignCheckpoint(sequence, hash, _time.GetUtcNow(), _nodeId, _lastOwnCheckpoint);
        if (await _store.AppendCheckpointAsync(cp, cancellationToken).ConfigureAwait(false))
        {
            _lastOwnCheckpoint = cp;
            if (_anchorPath is not null)
            {
                LedgerAnchor.Write(_anchorPath, cp);
            }
        }
        // Otherwise another replica checkpointed this sequence first: its checkpoint covers it.
        _lastCheckpointSequence = sequence;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _wake.Release();
        await _loop.ConfigureAwait(false);
        _wake.Dispose();
        // _checkpointGate stays usable: CheckpointNowAsync is called after the queue is drained (LedgerNode.DisposeAsync).
    }

    private sealed record Pending(LedgerEntry? Entry, TaskCompletionSource<LedgerEntry>? Done, LedgerJournal.Segment? Segment);
}
