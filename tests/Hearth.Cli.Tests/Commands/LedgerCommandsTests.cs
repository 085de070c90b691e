using System.Text.Json;
using Hearth.Ledger;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Options;
using Hearth.Server.Pipeline;
using Hearth.TestSupport;
using Microsoft.Data.Sqlite;

namespace Hearth.Cli.Tests.Commands;

/// <summary><c>hearth ledger verify|report</c> through the built command, reading the node's own ledger by default.</summary>
public sealed class LedgerCommandsTests
{
    /// <summary>Writes <paramref name="count"/> committed entries where a node with <paramref name="home"/> keeps its ledger.</summary>
    private static async Task<string> WriteNodeLedgerAsync(string home, int count, LedgerOptions? configured = null)
    {
        var options = NodeLedger.Resolve((configured ?? new LedgerOptions { Store = new LedgerStoreOptions { Connection = "ledger.db" } }) with
        {
            NodeId = "cli-test",
        }, home);
        options = options with { Store = options.Store with { Durability = LedgerDurability.GroupCommit } };
        await using (var node = await LedgerNode.OpenAsync(options, null, null, CancellationToken.None))
        {
            for (var i = 0; i < count; i++)
            {
                await node.Writer.AppendAsync(new LedgerEntry
                {
                    Timestamp = DateTimeOffset.UtcNow,
                    NodeId = "cli-test",
                    Tenant = i % 2 == 0 ? "acme" : "globex",
                    Route = "stories260K",
                    Backend = "local",
                    ModelId = "stories260K",
                    TokensIn = 5,
                    TokensOut = 7 + i,
                    EnergyWattHours = 0.001 * (i + 1),
                    IntensityGramsCo2ePerKwh = 56,
                    OperationalGramsCo2e = 0.0001,
                    WaterLiters = 0.001,
                    Zone = "FRA",
                    Reason = i == 0 ? "local-only: largest local backend" : "",
                    Policy = i == 0 ? "local-only" : "",
                }, CancellationToken.None);
            }
        }
        SqliteConnection.ClearAllPools();
        return options.Store.Connection;
    }

    [Fact]
    public async Task Verify_DefaultDbIsTheNodesLedger_IntactThenTamperedNamesTheEntry()
    {
        using var home = new TempDir();
        var db = await WriteNodeLedgerAsync(home.Path, 5);
        Assert.Equal(Path.Combine(home.Path, "ledger", "ledger.db"), db);

        var intact = await HearthProcess.RunAsync(home.Path, "ledger", "verify");
        await using (var c = new SqliteConnection($"Data Source={db};Pooling=false"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE ledger_entries SET tokens_out = 999 WHERE seq = 3";
            await cmd.ExecuteNonQueryAsync();
        }
        var tampered = await HearthProcess.RunAsync(home.Path, "ledger", "verify");

        Assert.True(intact.ExitCode == 0, intact.Stderr);
        Assert.Contains("ok: 5 entries", intact.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("no node-key.pem", intact.Stderr, StringComparison.Ordinal); // the key beside the node's ledger is trusted
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("FAILED at entry 3 (edited)", tampered.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ProbeDeletesTailAndCheckpointsWithSqlite3_ExitsOneNamingTheDeletion()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """{ "Ledger": { "Store": { "CheckpointEveryEntries": 10 } } }""");
        var db = await WriteNodeLedgerAsync(home.Path, 30,
            new LedgerOptions { Store = new LedgerStoreOptions { Connection = "ledger.db", CheckpointEveryEntries = 10 } });
        var intact = await HearthProcess.RunAsync(home.Path, "ledger", "verify");

        // Issue 10's probe: sqlite3 ledger.db "delete from ledger_entries where seq>20; delete from ledger_checkpoints;"
        await using (var c = new SqliteConnection($"Data Source={db};Pooling=false"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "delete from ledger_entries where seq>20; delete from ledger_checkpoints;";
            await cmd.ExecuteNonQueryAsync();
        }
        var anchored = await HearthProcess.RunAsync(home.Path, "ledger", "verify");
        File.Delete(Path.Combine(Path.GetDirectoryName(db)!, Hearth.Ledger.Store.LedgerAnchor.FileName));
        var anchorDeleted = await HearthProcess.RunAsync(home.Path, "ledger", "verify");

        Assert.True(intact.ExitCode == 0, intact.Stdout + intact.Stderr);
        Assert.Contains("ok: 30 entries", intact.Stdout, StringComparison.Ordinal);
        Assert.Contains("anchor matches the checkpoint at entry 30", intact.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, anchored.ExitCode);
        Assert.Contains("FAILED at entry 21 (deleted): entries 21..30 were deleted: the anchor", anchored.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, anchorDeleted.ExitCode);
        Assert.Contains("FAILED at entry 1 (uncovered): entries 1..20 (20) follow the last signed checkpoint (there is none)", anchorDeleted.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StoreConfiguredInAppsettingsAndHomeOption_ReadsThatFile()
    {
        using var home = new TempDir();
        using var cwd = new TempDir();
        File.WriteAllText(Path.Combine(home.Path, "appsettings.json"), """{ "Ledger": { "Store": { "Connection": "custom/ledger-a.db" } } }""");
        var db = await WriteNodeLedgerAsync(home.Path, 2, new LedgerOptions { Store = new LedgerStoreOptions { Connection = "custom/ledger-a.db" } });

        var result = await HearthProcess.RunAsync(cwd.Path, "ledger", "verify", "--home", home.Path);
        var missing = await HearthProcess.RunAsync(cwd.Path, "ledger", "verify");

        Assert.Equal(Path.Combine(home.Path, "ledger", "custom", "ledger-a.db"), db);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("ok: 2 entries", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode); // HEARTH_HOME=cwd has no ledger: an I/O error naming the file, nothing created
        Assert.Contains(Path.Combine(cwd.Path, "ledger", "ledger.db"), missing.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cwd.Path, "ledger")));
    }

    [Fact]
    public async Task Report_CsvJsonHtml_FromTheNodesLedger()
    {
        using var home = new TempDir();
        await WriteNodeLedgerAsync(home.Path, 4);

        var csv = await HearthProcess.RunAsync(home.Path, "ledger", "report", "--by", "tenant", "--format", "csv");
        var json = await HearthProcess.RunAsync(home.Path, "ledger", "report", "--by", "policy", "--format", "json");
        var htmlFile = Path.Combine(home.Path, "report.html");
        var html = await HearthProcess.RunAsync(home.Path, "ledger", "report", "--format", "html", "-o", htmlFile);
        var bad = await HearthProcess.RunAsync(home.Path, "ledger", "report", "--by", "planet");

        Assert.True(csv.ExitCode == 0, csv.Stderr);
        var lines = csv.Stdout.TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Assert.Equal(["acme", "globex", "total"], lines[1..].Select(l => l.Split(',')[Array.IndexOf(header, "group")]));
        Assert.Equal("4", lines[^1].Split(',')[Array.IndexOf(header, "requests")]);
        Assert.Contains("energy_consumed", header);

        Assert.True(json.ExitCode == 0, json.Stderr);
        var report = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal(["", "local-only"], report.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("group").GetString()));
        Assert.Equal(4, report.GetProperty("total").GetProperty("requests").GetInt64());

        Assert.True(html.ExitCode == 0, html.Stderr);
        var page = await File.ReadAllTextAsync(htmlFile);
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("policy", bad.Stderr, StringComparison.Ordinal);
    }
}
