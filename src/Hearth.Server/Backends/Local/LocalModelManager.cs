using Hearth.Contracts;
using Hearth.Server.Configuration;

namespace Hearth.Server.Backends.Local;

/// <summary>
/// Loads local models on demand and keeps them: at most <c>MaxLoadedModels</c>, at most <c>MemoryCapBytes</c> in total, each
/// unloaded after <c>KeepAliveSeconds</c> idle (least recently used idle model evicted first when a limit is hit). Per model, a
/// scheduler runs up to <c>ConcurrentSequencesPerModel</c> generations and queues up to <c>QueueCapacity</c> more; beyond that
/// <see cref="AcquireAsync"/> throws a <see cref="RequestErrorKind.RateLimited"/> <see cref="HearthRequestException"/> (<c>queue_full</c>,
/// with a retry delay, refused before any work). Thread-safe.
/// </summary>
public sealed class LocalModelManager : IDisposable
{
    private readonly ILocalModelLoader _loader;
    private readonly LocalModelOptions _options;
    private readonly TimeProvider _time;
    private readonly long _memoryCapBytes;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ModelState> _models = new(StringComparer.Ordinal);
    private readonly ITimer _sweeper;

    public LocalModelManager(ILocalModelLoader loader, LocalModelOptions options, TimeProvider? timeProvider = null)
    {
        _loader = loader;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _memoryCapBytes = options.MemoryCapBytes > 0
            ? options.MemoryCapBytes
            : (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.75);
        var period = TimeSpan.FromSeconds(Math.Clamp(options.KeepAliveSeconds / 4.0, 0.5, 15));
        _sweeper = _time.CreateTimer(_ => UnloadExpired(), null, period, period);
    }

    /// <summary>Waits for a sequence slot on the model (or throws <c>queue_full</c> when its queue is full), loads it if needed, and returns a lease.</summary>
    public Task<LocalModelLease> AcquireAsync(ModelDescriptor model, CancellationToken cancellationToken) =>
        AcquireAsync(model, null, cancellationToken);

    /// <summary>The model's queue is full: rate limited, retry after <paramref name="retryAfterSeconds"/>; refused before any work (no ledger entry).</summary>
    internal static HearthRequestException QueueFull(string model, int queueCapacity, int retryAfterSeconds) =>
        new(RequestErrorKind.RateLimited, $"The queue for model '{model}' is full ({queueCapacity} waiting). Retry after {retryAfterSeconds} s.", null, "queue_full")
        {
            RetryAfter = TimeSpan.FromSeconds(retryAfterSeconds),
            RefusedBeforeWork = true,
        };

    /// <summary>
    /// As <see cref="AcquireAsync(ModelDescriptor, CancellationToken)"/>; a non-null <paramref name="keepAlive"/> becomes the model's
    /// keep-alive from now on (Ollama's per-request <c>keep_alive</c>: zero unloads it when idle, <see cref="Timeout.InfiniteTimeSpan"/>
    /// keeps it until the node stops).
    /// </summary>
    public async Task<LocalModelLease> AcquireAsync(ModelDescriptor model, TimeSpan? keepAlive, CancellationToken cancellationToken)
    {
        ModelState state;
        lock (_lock)
        {
            if (!_models.TryGetValue(model.Id, out state!))
            {
                state = new ModelState(model, _options.ConcurrentSequencesPerModel);
                _models[model.Id] = state;
            }
            if (state.InFlight >= _options.ConcurrentSequencesPerModel + _options.QueueCapacity)
            {
                var retry = Math.Max(1, state.InFlight / Math.Max(1, _options.ConcurrentSequencesPerModel));
                throw QueueFull(model.Id, _options.QueueCapacity, retry);
            }
            state.InFlight++;
            if (keepAlive is { } k)
            {
                state.KeepAlive = k;
            }
        }
        var entered = false;
        try
        {
            await state.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered = true;
            var (generation, loaded) = await EnsureLoadedAsync(state, model, cancellationToken).ConfigureAwait(false);
            return new LocalModelLease(this, state, generation, loaded);
        }
        catch
        {
            Release(state, entered);
            throw;
        }
    }

    private async Task<(Generation, ILocalModel)> EnsureLoadedAsync(ModelState state, ModelDescriptor model, CancellationToken cancellationToken)
    {
        Generation generation;
        lock (_lock)
        {
            if (state.Current is { Loading.IsCompletedSuccessfully: true } current && current.Loading.Result.IsStale)
            {
                // The file was replaced on disk (e.g. a pull renamed a new one over it): this request and the next ones get the new
                // file; sequences running on the old mapping finish there, and the old model is disposed when its last one returns.
                UnloadLocked(state);
                state.Model = model;
            }
            if (state.Current is null || state.Current.Loading.IsFaulted || state.Current.Loading.IsCanceled)
            {
                MakeRoom(model.SizeBytes, state);
                var descriptor = state.Model = model;
                // Loading is not tied to one request: a cancelled first caller must not fail the others waiting for the same model.
                state.Current = new Generation(Task.Run(() => _loader.LoadAsync(descriptor, _options, CancellationToken.None), CancellationToken.None));
            }
            generation = state.Current;
            generation.Users++;
            state.Active++;
        }
        try
        {
            var loaded = await generation.Loading.WaitAsync(cancellationToken).ConfigureAwait(false);
            return (generation, loaded);
        }
        catch
        {
            lock (_lock)
            {
                state.Active--;
                generation.Users--;
            }
            throw;
        }
    }

    /// <summary>Evicts idle models (least recently used first) until one more model of <paramref name="bytes"/> fits. Caller holds the lock.</summary>
    private void MakeRoom(long bytes, ModelState incoming)
    {
        while (true)
        {
            var loaded = _models.Values.Where(s => s != incoming && s.Current is not null).ToList();
            var used = loaded.Sum(s => s.Loaded?.ResidentBytes ?? s.Model.SizeBytes);
            if (loaded.Count < _options.MaxLoadedModels && used + bytes <= _memoryCapBytes)
            {
                return;
            }
            var victim = loaded.Where(s => s.Active == 0).OrderBy(s => s.LastUsed).FirstOrDefault();
            if (victim is null)
            {
                if (loaded.Count == 0)
                {
                    throw new HearthRequestException(RequestErrorKind.InsufficientStorage,
                        $"Model '{incoming.Model.Id}' ({bytes:N0} bytes) does not fit the memory cap of {_memoryCapBytes:N0} bytes (Local:MemoryCapBytes).",
                        "model", "insufficient_memory");
                }
                throw new HearthRequestException(RequestErrorKind.Unavailable,
                    $"All {loaded.Count} loaded models are busy and the limits (Local:MaxLoadedModels = {_options.MaxLoadedModels}, memory cap {_memoryCapBytes:N0} bytes) leave no room for '{incoming.Model.Id}'. Retry shortly.",
                    "model", "no_capacity") { RetryAfter = TimeSpan.FromSeconds(2) };
            }
            UnloadLocked(victim);
        }
    }

    internal void Return(ModelState state, Generation generation)
    {
        lock (_lock)
        {
            state.Active--;
            generation.Users--;
            state.LastUsed = _time.GetUtcNow();
            if (generation != state.Current)
            {
                DisposeIfUnused(generation);   // retired (file replaced) while this sequence ran on it
            }
            else if (KeepAliveOf(state) == TimeSpan.Zero && state.Active == 0)
            {
                UnloadLocked(state);
            }
        }
        Release(state, entered: true);
    }

    private void Release(ModelState state, bool entered)
    {
        if (entered)
        {
            state.Slots.Release();
        }
        lock (_lock)
        {
            state.InFlight--;
        }
    }

    /// <summary>Detaches the current model; it is disposed now, or by the last lease still using it. Caller holds the lock.</summary>
    private static void UnloadLocked(ModelState state)
    {
        var generation = state.Current;
        state.Current = null;
        if (generation is not null)
        {
            DisposeIfUnused(generation);
        }
    }

    private static void DisposeIfUnused(Generation generation)
    {
        if (generation.Users == 0 && generation.Loading.IsCompletedSuccessfully)
        {
            generation.Loading.Result.Dispose();
        }
    }

    /// <summary>Unloads models idle for longer than the keep-alive.</summary>
    public void UnloadExpired()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var s in _models.Values)
            {
                if (s.Current is not null && s.Active == 0 && KeepAliveOf(s) != Timeout.InfiniteTimeSpan && now - s.LastUsed >= KeepAliveOf(s))
                {
                    UnloadLocked(s);
                }
            }
        }
    }

    private TimeSpan KeepAliveOf(ModelState state) => state.KeepAlive ?? TimeSpan.FromSeconds(_options.KeepAliveSeconds);

    /// <summary>Loads the model (if it is not loaded) without generating, and sets its keep-alive (Ollama's empty-prompt request).</summary>
    public async Task PreloadAsync(ModelDescriptor model, TimeSpan? keepAlive, CancellationToken cancellationToken)
    {
        using var lease = await AcquireAsync(model, keepAlive, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unloads a model now if it is idle (model deleted); returns false when it is in use.</summary>
    public bool TryUnload(string id)
    {
        lock (_lock)
        {
            if (!_models.TryGetValue(id, out var s) || s.Current is null)
            {
                return true;
            }
            if (s.Active > 0)
            {
                return false;
            }
            UnloadLocked(s);
            return true;
        }
    }

    /// <summary>Loaded models now (for <c>/api/ps</c> and metrics).</summary>
    public IReadOnlyList<LoadedModelStatus> Loaded()
    {
        lock (_lock)
        {
            return [.. _models.Values.Where(s => s.Loaded is not null).Select(s => new LoadedModelStatus(
                s.Model, s.Loaded!.ResidentBytes, s.Loaded.Details, s.Active,
                s.Active > 0 || KeepAliveOf(s) == Timeout.InfiniteTimeSpan ? null : s.LastUsed + KeepAliveOf(s)))];
        }
    }

    /// <summary>Requests waiting for a slot, per model id.</summary>
    public IReadOnlyDictionary<string, int> QueueDepths()
    {
        lock (_lock)
        {
            return _models.Values.ToDictionary(s => s.Model.Id, s => Math.Max(0, s.InFlight - _options.ConcurrentSequencesPerModel + s.Slots.CurrentCount));
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        lock (_lock)
        {
            foreach (var s in _models.Values)
            {
                UnloadLocked(s);
            }
        }
    }

    /// <summary>One load of a model file and the leases using it.</summary>
    internal sealed class Generation(Task<ILocalModel> loading)
    {
        public Task<ILocalModel> Loading { get; } = loading;
        public int Users { get; set; }
    }

    internal sealed class ModelState(ModelDescriptor model, int slots)
    {
        public SemaphoreSlim Slots { get; } = new(slots, slots);
        public int InFlight { get; set; }
        public ModelDescriptor Model { get; set; } = model;
        public int Active { get; set; }

        /// <summary>The model serving new requests (null when unloaded); older ones may still finish running sequences.</summary>
        public Generation? Current { get; set; }

        /// <summary>The current model once loaded.</summary>
        public ILocalModel? Loaded => Current is { Loading.IsCompletedSuccessfully: true } c ? c.Loading.Result : null;
        public DateTimeOffset LastUsed { get; set; }

        /// <summary>Set by a request's keep_alive; null = the node's <c>KeepAliveSeconds</c>.</summary>
        public TimeSpan? KeepAlive { get; set; }
    }
}

/// <summary>A loaded model and one sequence slot on it; dispose to give the slot back and start the keep-alive clock.</summary>
public sealed class LocalModelLease : IDisposable
{
    private readonly LocalModelManager _owner;
    private readonly LocalModelManager.ModelState _state;
    private readonly LocalModelManager.Generation _generation;
    private int _disposed;

    internal LocalModelLease(LocalModelManager owner, LocalModelManager.ModelState state, LocalModelManager.Generation generation, ILocalModel model)
    {
        _owner = owner;
        _state = state;
        _generation = generation;
        Model = model;
    }

    public ILocalModel Model { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Return(_state, _generation);
        }
    }
}

/// <summary>A loaded model's state.</summary>
public sealed record LoadedModelStatus(ModelDescriptor Model, long ResidentBytes, LocalModelDetails Details, int ActiveSequences, DateTimeOffset? ExpiresAt);
