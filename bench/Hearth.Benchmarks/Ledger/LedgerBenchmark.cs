using System.Diagnostics;
using Hearth.Ledger.Carbon;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Store;

namespace Hearth.Benchmarks.Ledger;

/// <summary>Result of one throughput run.</summary>
public sealed record ThroughputResult(string Store, int Producers, long Entries, double Seconds, long Batches, double MedianCommitWaitMicroseconds, double ProcessCpuSeconds)
{
    /// <summary>This process's CPU time per committed entry (producers + writer + driver; excludes a PostgreSQL server's own CPU).</summary>
    public double CpuMicrosecondsPerEntry => Entries == 0 ? 0 : ProcessCpuSeconds * 1e6 / Entries;

    public double EntriesPerSecond => Entries / Seconds;
}

/// <summary>
/// The end-to-end ledger benchmarks behind <c>hearth bench ledger</c>: sustained appends per second through the
/// batching writer in group-commit mode (every append awaits its commit), and the CPU time metering adds to a
/// request's critical path (begin + complete + enqueue).
/// </summary>
public static class LedgerBenchmark
{
    /// <summary>Runs <paramref name="producers"/> concurrent loops that each append and await the commit, for <paramref name="duration"/>.</summary>
    public static async Task<ThroughputResult> ThroughputAsync(ILedgerStore store, int producers, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var options = new LedgerStoreOptions { Durability = LedgerDurability.GroupCommit, MaxBatchEntries = 4096, CheckpointEveryEntries = 1_000_000 };
        await using var writer = new LedgerWriter(store, options, null, "bench");
        var template = Template();
        // Warm-up.
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => writer.AppendAsync(template with { EntryId = Guid.NewGuid() }, cancellationToken).AsTask())).ConfigureAwait(false);
        var startCommitted = writer.CommittedEntries;
        var startBatches = writer.CommittedBatches;
        var waits = new List<double>[producers];
        var cpu0 = Environment.CpuUsage.TotalTime;
        var sw = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var local = new List<double>(4096);
            waits[p] = local;
            while (sw.Elapsed < duration)
            {
                var t0 = Stopwatch.GetTimestamp();
                await writer.AppendAsync(template with { EntryId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow }, cancellationToken).ConfigureAwait(false);
                if (local.Count < 4096)
                {
                    local.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var seconds = sw.Elapsed.TotalSeconds;
        var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu0).TotalSeconds;
        var all = waits.SelectMany(w => w).Order().ToArray();
        return new ThroughputResult(store.Description, producers, writer.CommittedEntries - startCommitted, seconds,
            writer.CommittedBatches - startBatches, all.Length == 0 ? 0 : all[all.Length / 2], cpuSeconds);
    }

    /// <summary>
    /// Median over <paramref name="rounds"/> rounds of the mean time (µs) a request spends in BeginRequest + Complete +
    /// AppendAsync: with <paramref name="journalFolder"/> null, queued durability (pure CPU cost, nothing durable yet);
    /// with a folder, journal durability (the entry is in the local journal when AppendAsync returns).
    /// </summary>
    public static async Task<double> CriticalPathMicrosecondsAsync(ILedgerStore store, int rounds, int requestsPerRound, string? journalFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var options = new LedgerOptions { NodeId = "bench", Zone = "FRA" };
        var meter = new RequestMeter(options, new LiveIntensity(new StaticZoneIntensitySource(), "FRA",
            new StaticZoneIntensitySource().Get("FRA", DateTimeOffset.UtcNow), TimeSpan.MaxValue), CpuPowerModel.Create(options.Cpu));
        using var journal = journalFolder is null ? null : LedgerJournal.Open(journalFolder);
        await using var writer = new LedgerWriter(store,
            new LedgerStoreOptions { Durability = journal is null ? LedgerDurability.Queued : LedgerDurability.Journal }, null, "bench", null, journal);
        var info = new RequestInfo { Tenant = "bench", Route = "/v1/chat/completions", Backend = "local", ModelId = "bench-model", ModelVersion = "v1" };
        var perRound = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < requestsPerRound; i++)
            {
                using var scope = meter.BeginRequest(info);
                var entry = scope.Complete(12, 34);
                await writer.AppendAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            perRound[r] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / requestsPerRound;
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        Array.Sort(perRound);
        return perRound[rounds / 2];
    }

    private static LedgerEntry Template() => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        NodeId = "bench",
        Tenant = "bench-tenant",
        Route = "/v1/chat/completions",
        Backend = "local",
        ModelId = "bench-model",
        ModelVersion = "sha256:0000",
        TokensIn = 42,
        TokensOut = 128,
        LatencyMilliseconds = 250,
        CpuSeconds = 0.2,
        EnergyWattHours = 0.005,
        EnergyMethod = EnergyMethod.Modelled,
        EnergyUncertaintyFraction = 0.5,
        IntensityGramsCo2ePerKwh = 56,
        IntensitySource = "static:FRA:2023",
        Zone = "FRA",
        OperationalGramsCo2e = 0.00028,
        EmbodiedGramsCo2e = 0.0001,
        WaterLiters = 0.02,
        HeatWattHours = 0.005,
        SciGramsCo2ePerRequest = 0.00038,
        SciGramsCo2ePer1kTokens = 0.0022,
    };
}
