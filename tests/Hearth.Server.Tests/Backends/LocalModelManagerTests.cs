using Hearth.Contracts;
using Hearth.Server.Backends;
using Hearth.Server.Backends.Local;
using Hearth.Server.Configuration;
using Hearth.Server.Errors;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Backends;

public sealed class LocalModelManagerTests
{
    private static ModelDescriptor Model(string id, long bytes = 100) => new(id, BackendKind.Local, "hearth", null, "/models/" + id + ".gguf", bytes, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Acquire_BeyondSlotsPlusQueue_Throws429WithRetryAfter()
    {
        using var manager = new LocalModelManager(new CountingLoader(), new LocalModelOptions { ConcurrentSequencesPerModel = 1, QueueCapacity = 1 });
        var model = Model("m");
        using var running = await manager.AcquireAsync(model, CancellationToken.None);
        var queued = manager.AcquireAsync(model, CancellationToken.None);

        var e = await Assert.ThrowsAsync<HearthRequestException>(() => manager.AcquireAsync(model, CancellationToken.None));

        Assert.Equal(429, ErrorMapping.StatusOf(e.Kind).Status);
        Assert.Equal("queue_full", e.Code);
        Assert.True(e.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.True(e.RefusedBeforeWork);
        Assert.False(queued.IsCompleted);
        Assert.Equal(1, manager.QueueDepths()["m"]);
        running.Dispose();
        using var next = await queued.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Acquire_QueuedCallerCancels_FreesItsQueuePlace()
    {
        using var manager = new LocalModelManager(new CountingLoader(), new LocalModelOptions { ConcurrentSequencesPerModel = 1, QueueCapacity = 1 });
        var model = Model("m");
        using var running = await manager.AcquireAsync(model, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var queued = manager.AcquireAsync(model, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(0, manager.QueueDepths()["m"]);
    }

    [Fact]
    public async Task Acquire_MoreModelsThanMaxLoaded_EvictsLeastRecentlyUsedIdle()
    {
        var loader = new CountingLoader();
        using var manager = new LocalModelManager(loader, new LocalModelOptions { MaxLoadedModels = 2, KeepAliveSeconds = 600 });

        foreach (var id in new[] { "a", "b", "a", "c" })
        {
            using var lease = await manager.AcquireAsync(Model(id), CancellationToken.None);
        }

        Assert.Equal(["a", "c"], manager.Loaded().Select(l => l.Model.Id).Order());
        Assert.Equal(1, loader.Disposed["b"]);
        Assert.Equal(3, loader.Loads);
    }

    [Fact]
    public async Task Acquire_ModelLargerThanMemoryCap_Throws507()
    {
        using var manager = new LocalModelManager(new CountingLoader(), new LocalModelOptions { MemoryCapBytes = 50 });

        var e = await Assert.ThrowsAsync<HearthRequestException>(() => manager.AcquireAsync(Model("huge", 100), CancellationToken.None));

        Assert.Equal(507, ErrorMapping.StatusOf(e.Kind).Status);
        Assert.Equal("insufficient_memory", e.Code);
    }

    [Fact]
    public async Task UnloadExpired_AfterKeepAlive_UnloadsIdleModel()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var loader = new CountingLoader();
        using var manager = new LocalModelManager(loader, new LocalModelOptions { KeepAliveSeconds = 60 }, clock);
        using (await manager.AcquireAsync(Model("a"), CancellationToken.None)) { }

        clock.Advance(TimeSpan.FromSeconds(59));
        manager.UnloadExpired();
        Assert.Single(manager.Loaded());
        clock.Advance(TimeSpan.FromSeconds(2));
        manager.UnloadExpired();

        Assert.Empty(manager.Loaded());
        Assert.Equal(1, loader.Disposed["a"]);
    }

    [Fact]
    public async Task Acquire_LoadedFileReplaced_NewLeaseGetsFreshLoadOldLeaseKeepsItsModelUntilReturned()
    {
        var loader = new CountingLoader();
        using var manager = new LocalModelManager(loader, new LocalModelOptions { ConcurrentSequencesPerModel = 2, KeepAliveSeconds = 600 });
        var model = Model("m");
        var running = await manager.AcquireAsync(model, CancellationToken.None);
        loader.MarkStale("m");

        using (var fresh = await manager.AcquireAsync(model, CancellationToken.None))
        {
            Assert.NotSame(running.Model, fresh.Model);
            Assert.False(fresh.Model.IsStale);
            Assert.Equal(2, loader.Loads);
            Assert.False(loader.Disposed.ContainsKey("m"));   // the running sequence still uses the old load
        }
        running.Dispose();
        using var again = await manager.AcquireAsync(model, CancellationToken.None);

        Assert.Equal(1, loader.Disposed["m"]);   // the old load went with its last lease; the new one stays loaded
        Assert.Equal(2, loader.Loads);
        Assert.Single(manager.Loaded());
    }

    /// <summary>Hand-written loader: counts loads and disposals per model id.</summary>
    private sealed class CountingLoader : ILocalModelLoader
    {
        public int Loads;
        public Dictionary<string, int> Disposed { get; } = [];

        private readonly List<Loaded> _loaded = [];

        public Task<ILocalModel> LoadAsync(ModelDescriptor model, LocalModelOptions options, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Loads);
            var loaded = new Loaded(model, this);
            lock (_loaded) { _loaded.Add(loaded); }
            return Task.FromResult<ILocalModel>(loaded);
        }

        /// <summary>As if a new file had been renamed over the model's path: every load made so far is stale.</summary>
        public void MarkStale(string id)
        {
            lock (_loaded)
            {
                foreach (var l in _loaded.Where(l => l.Id == id)) { l.IsStale = true; }
            }
        }

        private sealed class Loaded(ModelDescriptor model, CountingLoader owner) : ILocalModel
        {
            public string Id => model.Id;
            public bool IsStale { get; set; }
            public long ResidentBytes => model.SizeBytes;
            public LocalModelDetails Details { get; } = new("test", 1, "F32", 16, 4, null);
            public IChatClient ChatClient => throw new InvalidOperationException("not used by these tests");
            public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator => null;

            public void Dispose()
            {
                lock (owner.Disposed)
                {
                    owner.Disposed[model.Id] = owner.Disposed.GetValueOrDefault(model.Id) + 1;
                }
            }
        }
    }
}
