using System.CommandLine;
using System.Globalization;
using Hearth.Benchmarks.Ledger;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;
using Hearth.Ledger.Reports;
using Hearth.Ledger.Store;

namespace Hearth.Cli.Commands;

/// <summary>Verbs: ledger verify|report|calibrate, bench ledger.</summary>
internal static class LedgerCommands
{
    public static void AddTo(CliContext cli)
    {
        var ledger = new Command("ledger", "The carbon ledger: verify its hash chain, report energy/carbon/water, calibrate the energy model.");
        ledger.Subcommands.Add(Verify());
        ledger.Subcommands.Add(Report());
        ledger.Subcommands.Add(CalibrateCommand.Build());
        cli.Root.Subcommands.Add(ledger);
        cli.Bench.Subcommands.Add(Bench());
    }

    private static Option<string?> DbOption() => new("--db")
    {
        Description = "SQLite ledger file, or a PostgreSQL connection string with --pg-schema (default: the node's ledger, "
            + "Ledger:Store of $HEARTH_HOME/appsettings.json, else $HEARTH_HOME/ledger/ledger.db)",
    };

    private static Option<string?> PgSchemaOption() => new("--pg-schema")
    {
        Description = "Treat --db as an Npgsql connection string and read the ledger in this schema",
    };

    private static Option<string?> HomeOption() => new("--home")
    {
        Description = "Hearth home whose ledger to read when --db is not given (default: $HEARTH_HOME, else ~/.hearth)",
    };

    private static Command Verify()
    {
        var db = DbOption();
        var pg = PgSchemaOption();
        var home = HomeOption();
        var keyDir = new Option<string?>("--key-dir") { Description = "Folder with node-key.pem whose checkpoints are trusted (default: the ledger's key folder, for SQLite the database's folder)" };
        var anchor = new Option<string?>("--anchor")
        {
            Description = "Anchor file to compare with (default: ledger-anchor.json in the key folder; give a copy shipped elsewhere to check against it)",
        };
        var every = new Option<int?>("--checkpoint-every")
        {
            Description = "The node's checkpoint interval: more entries after the last checkpoint fail (default: Ledger:Store:CheckpointEveryEntries, 1000)",
        };
        var cmd = new Command("verify", "Check the hash chain, the signed checkpoint chain and the anchor file; names the first edited, deleted or reordered entry or checkpoint.")
        {
            db, pg, home, keyDir, anchor, every,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            try
            {
                var location = LedgerLocation.Resolve(r.GetValue(db), r.GetValue(pg), r.GetValue(home));
                await using var store = location.Open();
                Console.Error.WriteLine("ledger: " + location.Describe());
                var folder = r.GetValue(keyDir) ?? location.KeyFolder;
                var trusted = folder is not null && NodeKey.TryReadPublicKey(folder) is { } k ? new[] { k } : null;
                if (trusted is null)
                {
                    Console.Error.WriteLine("warning: no node-key.pem found; checkpoints are checked against the keys they carry only.");
                }
                var anchorPath = r.GetValue(anchor) ?? (folder is null ? null : LedgerAnchor.PathIn(folder));
                var interval = r.GetValue(every) ?? location.CheckpointEveryEntries;
                if (interval < 1)
                {
                    throw new ArgumentException($"--checkpoint-every must be at least 1 (got {interval}).");
                }
                var v = await LedgerVerifier.VerifyWithOptionsAsync(
                    store, new LedgerVerifyOptions { TrustedPublicKeys = trusted, CheckpointEveryEntries = interval, AnchorPath = anchorPath }, ct);
                Console.WriteLine(v.IsValid ? v.Message : $"FAILED at entry {v.FirstBadSequence} ({v.Failure.ToString().ToLowerInvariant()}): {v.Message}");
                return v.IsValid ? 0 : 1;
            }
            catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or LedgerStoreException or LedgerFormatException
                                           or Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or Hearth.Server.Configuration.HearthConfigException)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 2;
            }
        });
        return cmd;
    }

    private static Command Report()
    {
        var db = DbOption();
        var pg = PgSchemaOption();
        var home = HomeOption();
        var by = new Option<string>("--by") { Description = string.Join(" | ", ReportGroupings.Names), DefaultValueFactory = _ => "model" };
        var from = new Option<string?>("--from") { Description = "Inclusive start (ISO-8601 date or time, UTC)" };
        var to = new Option<string?>("--to") { Description = "Exclusive end (ISO-8601 date or time, UTC)" };
        var format = new Option<string>("--format") { Description = "table | csv | json | html", DefaultValueFactory = _ => "table" };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout" };
        var largeParams = new Option<double>("--large-params-b") { Description = "Counterfactual large model's active parameters, billions", DefaultValueFactory = _ => 70 };
        var largePue = new Option<double>("--large-pue") { Description = "Counterfactual provider PUE", DefaultValueFactory = _ => 1.2 };
        var cmd = new Command("report", "Energy, carbon, water and SCI by model, tenant, day or route, with the large-model counterfactual.")
        {
            db, pg, home, by, from, to, format, output, largeParams, largePue,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            try
            {
                var grouping = ReportGroupings.TryParse(r.GetValue(by), out var g) ? g
                    : throw new ArgumentException($"--by must be one of {string.Join(", ", ReportGroupings.Names)} (got '{r.GetValue(by)}').");
                var fmt = Enum.TryParse<ReportFormat>(r.GetValue(format), ignoreCase: true, out var f) && Enum.IsDefined(f) ? f
                    : throw new ArgumentException($"--format must be table, csv, json or html (got '{r.GetValue(format)}').");
                await using var store = LedgerLocation.Resolve(r.GetValue(db), r.GetValue(pg), r.GetValue(home)).Open();
                var cf = new CounterfactualModel(string.Create(CultureInfo.InvariantCulture, $"large-{r.GetValue(largeParams)}B"), r.GetValue(largeParams), r.GetValue(largePue));
                var report = await LedgerReportBuilder.BuildAsync(store, grouping, ParseTime(r.GetValue(from), "--from"), ParseTime(r.GetValue(to), "--to"), cf, null, ct);
                var text = ReportWriters.Render(report, fmt);
                if (r.GetValue(output) is { } path)
                {
                    await File.WriteAllTextAsync(path, text, ct);
                    Console.Error.WriteLine($"wrote {path}");
                }
                else
                {
                    Console.Out.Write(text);
                }
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or FileNotFoundException or LedgerStoreException or LedgerFormatException
                                           or Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or Hearth.Server.Configuration.HearthConfigException)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 2;
            }
        });
        return cmd;
    }

    private static DateTimeOffset? ParseTime(string? s, string option) =>
        s is null ? null
            : DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
            : throw new FormatException($"{option} '{s}' is not an ISO-8601 date or time.");

    private static Command Bench()
    {
        var seconds = new Option<double>("--seconds") { Description = "Duration of each throughput run", DefaultValueFactory = _ => 3 };
        var runs = new Option<int>("--runs") { Description = "Runs per store (the median is printed)", DefaultValueFactory = _ => 3 };
        var producers = new Option<int>("--producers") { Description = "Concurrent appenders (each awaits its commit)", DefaultValueFactory = _ => 512 };
        var pg = new Option<string?>("--pg") { Description = "Npgsql connection string (default: $HEARTH_TEST_PG; PostgreSQL is skipped when neither is set)" };
        var cmd = new Command("ledger", "Sustained ledger appends/s (SQLite, PostgreSQL; group commit) and metering's critical-path µs per request.")
        {
            seconds, runs, producers, pg,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var dur = TimeSpan.FromSeconds(Math.Clamp(r.GetValue(seconds), 0.5, 120));
            var n = Math.Clamp(r.GetValue(runs), 1, 15);
            var p = Math.Clamp(r.GetValue(producers), 1, 10_000);
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
            Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; load average {load}; runs: {n} × {dur.TotalSeconds} s; producers: {p}");
            var dir = Path.Combine(Path.GetTempPath(), "hearth-bench-ledger-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dir);
            try
            {
                var sqlite = new List<ThroughputResult>();
                for (var i = 0; i < n; i++)
                {
                    await using var store = new SqliteLedgerStore(Path.Combine(dir, $"bench-{i}.db"));
                    sqlite.Add(await LedgerBenchmark.ThroughputAsync(store, p, dur, ct));
                }
                Print("sqlite (WAL, synchronous=FULL)", sqlite);
                var cs = r.GetValue(pg) ?? Environment.GetEnvironmentVariable("HEARTH_TEST_PG");
                if (!string.IsNullOrEmpty(cs))
                {
                    var pgResults = new List<ThroughputResult>();
                    for (var i = 0; i < n; i++)
                    {
                        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
                        await using (var store = new PostgresLedgerStore(cs, schema))
                        {
                            pgResults.Add(await LedgerBenchmark.ThroughputAsync(store, p, dur, ct));
                        }
                        await using var conn = new Npgsql.NpgsqlConnection(cs);
                        await conn.OpenAsync(ct);
                        await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", conn);
                        await drop.ExecuteNonQueryAsync(ct);
                    }
                    Print("postgres (COPY, synchronous_commit=on)", pgResults);
                }
                else
                {
                    Console.WriteLine("postgres: skipped (no --pg and no HEARTH_TEST_PG)");
                }
                await using (var store = new SqliteLedgerStore(Path.Combine(dir, "critical.db")))
                {
                    var us = await LedgerBenchmark.CriticalPathMicrosecondsAsync(store, 7, 5_000, null, ct);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"critical path, queued (BeginRequest + Complete + enqueue): median {us:0.00} µs per request (bar ≤ 50 µs)"));
                }
                await using (var store = new SqliteLedgerStore(Path.Combine(dir, "critical-journal.db")))
                {
                    var us = await LedgerBenchmark.CriticalPathMicrosecondsAsync(store, 7, 5_000, Path.Combine(dir, "journal"), ct);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"critical path, journal durability (+ one pwrite of the entry, survives kill -9): median {us:0.00} µs per request (bar ≤ 50 µs)"));
                }
                return 0;
            }
            finally
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        });
        return cmd;
    }

    private static void Print(string name, List<ThroughputResult> results)
    {
        var sorted = results.OrderBy(x => x.EntriesPerSecond).ToList();
        var med = sorted[sorted.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: median {med.EntriesPerSecond:0} appends/s (bar ≥ 20,000) over {results.Count} runs [{string.Join(", ", sorted.Select(x => x.EntriesPerSecond.ToString("0", CultureInfo.InvariantCulture)))}]; " +
            $"{med.Entries / (double)Math.Max(1, med.Batches):0} entries per commit; median commit wait {med.MedianCommitWaitMicroseconds / 1000:0.00} ms; " +
            $"this process's CPU {med.CpuMicrosecondsPerEntry:0.0} µs per entry"));
    }
}
