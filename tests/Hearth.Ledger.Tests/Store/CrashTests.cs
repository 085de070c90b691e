using System.Diagnostics;
using Hearth.Ledger.Store;

namespace Hearth.Ledger.Tests.Store;

/// <summary>
/// kill -9 a process that is appending under load; every entry it acknowledged must be in the ledger afterwards, and
/// the chain (with its signed checkpoints) must verify.
/// </summary>
public class CrashTests
{
    [Theory]
    [InlineData("sqlite", "group-commit")]
    [InlineData("postgres", "group-commit")]
    [InlineData("sqlite", "journal")]
    [InlineData("postgres", "journal")]
    public async Task Kill9MidLoad_EveryAcknowledgedEntrySurvives_ChainVerifies(string kind, string mode)
    {
        using var dir = new Hearth.TestSupport.TempDir("hearth-crash-");
        var schema = Fixtures.NewSchema();
        var target = kind == "sqlite" ? dir.File("ledger.db") : schema;
        if (kind == "postgres")
        {
            _ = Fixtures.PgConnectionString; // fail fast when PostgreSQL is not configured
        }
        var acked = new List<string>();
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(typeof(CrashTests).Assembly.Location);
        psi.ArgumentList.Add("crash-writer");
        psi.ArgumentList.Add(kind);
        psi.ArgumentList.Add(target);
        psi.ArgumentList.Add(dir.Path);
        psi.ArgumentList.Add(mode);
        using var child = Process.Start(psi)!;
        var stderr = child.StandardError.ReadToEndAsync();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (acked.Count < 400 && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (line is null)
                {
                    break;
                }
                if (line.StartsWith("ACK ", StringComparison.Ordinal))
                {
                    acked.Add(line[4..]);
                }
            }
            Assert.True(acked.Count >= 400, $"child acknowledged only {acked.Count} entries; stderr: {(child.HasExited ? await stderr : "")}");
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL on Linux: no flush, no dispose
            await child.WaitForExitAsync();
        }
        // Lines already written before the kill are acknowledgements the client saw too.
        while (await child.StandardOutput.ReadLineAsync() is { } rest)
        {
            if (rest.StartsWith("ACK ", StringComparison.Ordinal))
            {
                acked.Add(rest[4..]);
            }
        }
        Assert.NotEqual(0, child.ExitCode);

        ILedgerStore store = kind == "sqlite" ? new SqliteLedgerStore(target) : new PostgresLedgerStore(Fixtures.PgConnectionString, schema);
        try
        {
            await store.MigrateAsync(CancellationToken.None); // the restart path
            var recovered = await LedgerJournal.RecoverAsync(dir.Path, store, CancellationToken.None);
            if (mode == "group-commit")
            {
                Assert.Equal(0, recovered);
            }
            Assert.Empty(Directory.GetFiles(dir.Path, "ledger-journal-*.bin"));
            using var key = NodeKey.LoadOrCreate(dir.Path);
            var v = await LedgerVerifier.VerifyAsync(store, [key.PublicKeySpkiBase64], CancellationToken.None);
            Assert.True(v.IsValid, v.Message);
            var present = new HashSet<string>((await store.QueryAsync(new LedgerQuery { Limit = 1_000_000 }, CancellationToken.None)).Select(e => e.EntryId.ToString("N")));
            var missing = acked.Where(id => !present.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged entries are missing after kill -9");
            if (mode == "group-commit")
            {
                // 400 acknowledged commits passed entry 100, so the writer signed at least one checkpoint.
                Assert.True(v.CheckpointsChecked > 0, "expected signed checkpoints");
            }
        }
        finally
        {
            await store.DisposeAsync();
            if (kind == "postgres")
            {
                await Fixtures.DropSchemaAsync(schema);
            }
        }
    }
}
