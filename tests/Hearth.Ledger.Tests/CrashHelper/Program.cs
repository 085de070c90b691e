using Hearth.Ledger.Options;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Tests.CrashHelper;

/// <summary>
/// Entry point of the test assembly. With no arguments it does nothing (xunit runs tests through the test host).
/// <c>crash-writer sqlite|postgres &lt;path|schema&gt; &lt;keyDir&gt;</c> runs a ledger load: 32 concurrent appenders in group-commit
/// mode (fifth argument <c>journal</c>: journal durability; <c>queued</c>: queued, to show what the others protect against), printing <c>ACK &lt;entry id&gt;</c> after each commit, until killed (or 60 s pass).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 4 || args[0] != "crash-writer")
        {
            return 0;
        }
        ILedgerStore store = args[1] == "sqlite"
            ? new SqliteLedgerStore(args[2])
            : new PostgresLedgerStore(Fixtures.PgConnectionString, args[2]);
        await store.MigrateAsync(CancellationToken.None);
        using var key = NodeKey.LoadOrCreate(args[3]);
        var mode = args.Length > 4 ? args[4] : "group-commit";
        var durability = mode switch
        {
            "queued" => LedgerDurability.Queued,
            "journal" => LedgerDurability.Journal,
            _ => LedgerDurability.GroupCommit,
        };
        using var journal = durability == LedgerDurability.Journal ? LedgerJournal.Open(args[3]) : null;
        await using var writer = new LedgerWriter(store, new LedgerStoreOptions { CheckpointEveryEntries = 100, Durability = durability }, key, "crash-node", null, journal);
        var stdout = Console.Out;
        var gate = new object();
        var until = DateTime.UtcNow.AddSeconds(60);
        var loops = Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            var i = 0;
            while (DateTime.UtcNow < until)
            {
                var e = await writer.AppendAsync(Fixtures.Entry(i++) with { EntryId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow }, CancellationToken.None);
                lock (gate)
                {
                    stdout.WriteLine("ACK " + e.EntryId.ToString("N"));
                    stdout.Flush();
                }
            }
        })).ToArray();
        await Task.WhenAll(loops);
        return 0;
    }
}
