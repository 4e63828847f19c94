using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DbAgent.Sql;
using DbAgent.Sql.Migrations;
using DbAgent.Sql.Schema;
using Npgsql;

namespace DbAgent.Benchmarks;

/// <summary>
/// `schema`: editor features at 50,000 tables / 500,000 columns. Replay linearity (10k/25k/50k CREATE TABLEs from 50
/// migration files); a real `dbagent lsp` process on the replayed schema (load, completion and hover p95, hover in a
/// file with its own DDL, working set); the same live on PostgreSQL (a scratch database it creates and drops), beside
/// postgres-language-server's LSP completing against that database; and completion while typing in a 20,000-line
/// file on the sample workspace's schema. Figures are printed, not asserted.
/// </summary>
internal static class SchemaBenchmark
{
    /// <summary>The scratch database (--database NAME to use another, e.g. one a --keep run left).</summary>
    private static string Database = "dbagent_test_schema_bench";
    private const int Columns = 10;
    private const int Samples = 200;
    private const int PeerSamples = 30;
    /// <summary>--keep: leave the scratch database for another run (which then reuses it) instead of dropping it.</summary>
    private static bool Keep;

    public static async Task<int> Run(string[] args)
    {
        var tables = Option(args, "--tables") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 50_000;
        var live = !args.Contains("--no-live");
        // --typing-only: only the sample-workspace measurement (completion while typing in a 20,000-line file).
        var typingOnly = args.Contains("--typing-only");
        Keep = args.Contains("--keep");
        if (Option(args, "--database") is { } database) Database = database;
        var peer = Option(args, "--peer") ?? System.Environment.GetEnvironmentVariable("POSTGRES_LANGUAGE_SERVER") ?? FindPeer();
        Measure.Environment();
        var server = Path.Combine(AppContext.BaseDirectory, "dbagent.dll");
        var root = Path.Combine(Path.GetTempPath(), $"dbagent-schema-bench-{System.Environment.ProcessId}");
        try
        {
            if (typingOnly)
            {
                Console.WriteLine("\n== Completion while typing in a 20,000-line file (sample workspace schema)");
                await Typing(server);
                Measure.Load();
                return 0;
            }
            Console.WriteLine($"\n== Replay linearity ({Columns} columns per table, 50 migration files)");
            foreach (var n in new[] { tables / 5, tables / 2, tables }.Distinct())
            {
                var folder = Workspace(Path.Combine(root, $"ws{n}"), n);
                var times = new List<double>();
                for (var run = 0; run < 3; run++)
                {
                    var sw = Stopwatch.StartNew();
                    var schema = new SchemaModel(SqlDialect.Postgres);
                    foreach (var set in MigrationDiscovery.Discover(folder)) MigrationReplay.Replay(set, SqlDialect.Postgres, schema);
                    sw.Stop();
                    if (schema.Tables.Count != n) throw new InvalidOperationException($"replayed {schema.Tables.Count} tables, expected {n}");
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                var median = Measure.Median(times);
                Console.WriteLine($"  {n,6:N0} tables: replay {median,7:F0} ms  ({median / (n / 1000.0):F1} ms per 1,000 tables)");
            }

            var big = Path.Combine(root, $"ws{tables}");
            Console.WriteLine($"\n== dbagent lsp on the replayed schema ({tables:N0} tables, {tables * Columns:N0} columns)");
            await Replayed(server, big, tables);

            Console.WriteLine("\n== Completion while typing in a 20,000-line file (sample workspace schema)");
            await Typing(server);

            if (live)
            {
                var connection = System.Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
                if (string.IsNullOrEmpty(connection)) Console.WriteLine("\n== Live PostgreSQL: skipped, DBAGENT_TEST_POSTGRES is not set.");
                else await Live(server, connection, tables, peer);
            }
            Console.WriteLine("\nFigures are wall-clock, measured from the client side of the LSP (request sent to answer read), Release build.");
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string? FindPeer()
    {
        for (var dir = new DirectoryInfo(System.Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "postgres-language-server");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string Table(int i) => $"t{i:D5}";

    /// <summary>50 migration files creating <paramref name="n"/> tables of ten columns; every tenth table references the one before.</summary>
    private static string Workspace(string folder, int n)
    {
        var migrations = Path.Combine(folder, "db", "migrations");
        Directory.CreateDirectory(migrations);
        Directory.CreateDirectory(Path.Combine(folder, "queries"));
        var perFile = (n + 49) / 50;
        for (var f = 0; f < 50; f++)
        {
            var sql = new StringBuilder();
            for (var i = f * perFile; i < Math.Min(n, (f + 1) * perFile); i++) sql.Append(CreateTable(i)).Append('\n');
            File.WriteAllText(Path.Combine(migrations, $"V{f + 1:D3}__tables_{f + 1}.sql"), sql.ToString());
        }
        return folder;
    }

    private static string CreateTable(int i) =>
        $"CREATE TABLE {Table(i)} (id bigint PRIMARY KEY, " +
        (i % 10 == 9 ? $"parent_id bigint REFERENCES {Table(i - 1)} (id), " : "parent_id bigint, ") +
        "name text NOT NULL, email varchar(255), amount numeric(12,2), qty integer, created_at timestamp, active boolean, note text, code char(8));";

    /// <summary>A query file over <paramref name="count"/> random tables: line k is `SELECT x.name, x.amount FROM tNNNNN x WHERE x.qty = 1;`.</summary>
    private static (string Text, int[] Tables) Queries(int tables, int count, int seed)
    {
        var random = new Random(seed);
        var picked = Enumerable.Range(0, count).Select(_ => random.Next(tables)).ToArray();
        var text = string.Join("\n", picked.Select(i => $"SELECT x.name, x.amount FROM {Table(i)} x WHERE x.qty = 1;")) + "\n";
        return (text, picked);
    }

    private static JsonElement Settings(object value) => JsonSerializer.SerializeToElement(value);

    private static async Task Replayed(string server, string folder, int tables)
    {
        await using var lsp = LspProcess.Start("dotnet", [server, "lsp"], Settings(new { }), null);
        await lsp.InitializeAsync(folder);
        var (queries, picked) = Queries(tables, Samples, 1);
        var uri = new Uri(Path.Combine(folder, "queries", "q.sql")).AbsoluteUri;
        var sw = Stopwatch.StartNew();
        await lsp.OpenAsync(uri, queries);
        var first = await lsp.HoverAsync(uri, 0, 32);
        sw.Stop();
        var loaded = first.ValueKind == JsonValueKind.Object && first.GetProperty("contents").GetProperty("value").GetString()!.Contains("| amount |");
        Console.WriteLine($"  schema load (open to first hover with columns, replaying 50 files): {sw.Elapsed.TotalMilliseconds:F0} ms{(loaded ? "" : "  [hover had no columns!]")}");

        var hover = await Latencies(Samples, k => lsp.HoverAsync(uri, k, k % 2 == 0 ? 32 : 10));
        Print("hover p50/p95 (table and column)", hover);
        var completion = await CompletionLatencies(lsp, uri, picked);
        Print("completion p50/p95 (FROM t0123|, x.|, column list)", completion.Latencies);
        Console.WriteLine($"    items per answer: FROM prefix {completion.FromItems:F0}, alias dot {completion.DotItems:F0}");

        // A file that holds DDL of its own: hovers read the workspace schema with the file's DDL over it.
        var ddlUri = new Uri(Path.Combine(folder, "queries", "ddl.sql")).AbsoluteUri;
        await lsp.OpenAsync(ddlUri, "CREATE TABLE extra (id bigint PRIMARY KEY, t_id bigint);\nALTER TABLE t00001 ADD COLUMN extra_note text;\n" + queries);
        var ddlHover = await Latencies(Samples, k => lsp.HoverAsync(ddlUri, k + 2, k % 2 == 0 ? 32 : 10));
        Print("hover p50/p95 in a file with its own DDL", ddlHover);
        var ddlCompletion = await Latencies(Samples, k => lsp.CompleteAsync(ddlUri, k + 2, 9));
        Print("completion p50/p95 in a file with its own DDL", ddlCompletion);

        GC.Collect();
        var (rss, peak) = lsp.Memory();
        Console.WriteLine($"  dbagent working set: {rss:F0} MiB resident, {peak:F0} MiB peak");
    }

    private static async Task<(List<double> Latencies, double FromItems, double DotItems)> CompletionLatencies(LspProcess lsp, string uri, int[] picked)
    {
        var latencies = new List<double>();
        double fromItems = 0, dotItems = 0;
        for (var k = 0; k < picked.Length; k++)
        {
            // `... FROM t0123|` (four characters of the name typed), `x.|`, and the column list start.
            var (character, kind) = (k % 3) switch { 0 => (34, 0), 1 => (9, 1), _ => (7, 2) };
            var sw = Stopwatch.StartNew();
            var result = await lsp.CompleteAsync(uri, k, character);
            latencies.Add(sw.Elapsed.TotalMilliseconds);
            var count = result.ValueKind == JsonValueKind.Object ? result.GetProperty("items").GetArrayLength() : result.ValueKind == JsonValueKind.Array ? result.GetArrayLength() : 0;
            if (kind == 0) fromItems += count / (picked.Length / 3.0);
            if (kind == 1) dotItems += count / (picked.Length / 3.0);
        }
        return (latencies, fromItems, dotItems);
    }

    private static async Task<List<double>> Latencies(int count, Func<int, Task<JsonElement>> request)
    {
        var latencies = new List<double>();
        for (var k = 0; k < count; k++)
        {
            var sw = Stopwatch.StartNew();
            await request(k);
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }

    private static void Print(string what, List<double> latencies)
    {
        var sorted = latencies.Order().ToList();
        Console.WriteLine($"  {what}: {Measure.Percentile(sorted, 50):F1} / {Measure.Percentile(sorted, 95):F1} ms (n={sorted.Count})");
    }

    /// <summary>Types a query character by character at the end of a 20,000-line file and asks for completion after each keystroke.</summary>
    private static async Task Typing(string server)
    {
        var sample = FindSample();
        if (sample is null)
        {
            Console.WriteLine("  skipped: samples/workspace not found from the current directory.");
            return;
        }
        await using var lsp = LspProcess.Start("dotnet", [server, "lsp"], Settings(new { dialect = "sqlite" }), null);
        await lsp.InitializeAsync(sample);
        var lines = new StringBuilder();
        string[] shapes =
        [
            "SELECT o.id, o.total FROM orders o WHERE o.customer_id = {0};",
            "SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.id = {0};",
            "UPDATE products SET price = price WHERE id = {0};",
            "SELECT count(*) FROM order_items WHERE order_id = {0};",
        ];
        for (var i = 0; i < 20_000; i++) lines.Append(string.Format(CultureInfo.InvariantCulture, shapes[i % shapes.Length], i)).Append('\n');
        var uri = new Uri(Path.Combine(sample, "queries", "typing-benchmark.sql")).AbsoluteUri;
        await lsp.OpenAsync(uri, lines.ToString());
        await lsp.CompleteAsync(uri, 20_000, 0); // loads the schema
        const string typed = "SELECT o.total, c.email FROM orders o JOIN customers c ON o.customer_id = c.id WHERE o.";
        var latencies = new List<double>();
        var alone = new List<double>();
        var version = 1;
        var line = 10_000; // in the middle of the file: every statement after it moves
        await lsp.ChangeAsync(uri, ++version, new DbAgent.Server.Protocol.Position(line, 0), "\n");
        for (var k = 0; k < typed.Length; k++)
        {
            var sw = Stopwatch.StartNew();
            await lsp.ChangeAsync(uri, ++version, new DbAgent.Server.Protocol.Position(line, k), typed[k].ToString());
            await lsp.CompleteAsync(uri, line, k + 1);
            latencies.Add(sw.Elapsed.TotalMilliseconds);
            // The same completion again, the edit applied: the completion's own cost.
            sw.Restart();
            await lsp.CompleteAsync(uri, line, k + 1);
            alone.Add(sw.Elapsed.TotalMilliseconds);
        }
        var last = await lsp.CompleteAsync(uri, line, typed.Length);
        var labels = last.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("label").GetString()).ToList();
        Print($"completion p50/p95 at line 10,000 of 20,000, on the edited document ({typed.Length} keystrokes)", alone);
        Print("keystroke (didChange, incremental re-parse) + completion p50/p95", latencies);
        Console.WriteLine($"    after `{typed}`: {string.Join(", ", labels.Take(8))}");
    }

    private static string? FindSample()
    {
        for (var dir = new DirectoryInfo(System.Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "workspace");
            if (Directory.Exists(Path.Combine(candidate, "migrations"))) return candidate;
        }
        return null;
    }

    private static async Task Live(string server, string connectionString, int tables, string? peer)
    {
        var admin = new NpgsqlConnectionStringBuilder(connectionString);
        var target = new NpgsqlConnectionStringBuilder(connectionString) { Database = Database, Pooling = false };
        Console.WriteLine($"\n== Live PostgreSQL: scratch database {Database} with {tables:N0} tables, {tables * Columns:N0} columns");
        var existing = await Count(admin.ConnectionString, target.ConnectionString);
        if (existing != tables)
        {
            await Execute(admin.ConnectionString, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
            await Execute(admin.ConnectionString, $"CREATE DATABASE {Database}");
        }
        try
        {
            var sw = Stopwatch.StartNew();
            if (existing == tables)
            {
                Console.WriteLine("  (reusing the database a --keep run left)");
                // The table the refresh measurement adds, left by that run: gone before the server reads the catalog.
                await Execute(target.ConnectionString, "DROP TABLE IF EXISTS t_added_by_benchmark");
            }
            else await using (var connection = new NpgsqlConnection(target.ConnectionString))
            {
                await connection.OpenAsync();
                for (var start = 0; start < tables; start += 1000)
                {
                    var sql = new StringBuilder("BEGIN;\n");
                    for (var i = start; i < Math.Min(tables, start + 1000); i++) sql.Append(CreateTable(i)).Append('\n');
                    sql.Append("COMMIT;");
                    await using var command = new NpgsqlCommand(sql.ToString(), connection) { CommandTimeout = 600 };
                    await command.ExecuteNonQueryAsync();
                }
                await using var analyze = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 600 };
                await analyze.ExecuteNonQueryAsync();
            }
            if (existing != tables) Console.WriteLine($"  (generated in {sw.Elapsed.TotalSeconds:F0} s)");
            await Execute(target.ConnectionString, "DROP TABLE IF EXISTS t_added_by_benchmark");

            var password = target.Password;
            var withoutPassword = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Password = null };
            var settings = Settings(new { connections = new[] { new { name = "big", engine = "postgres", connectionString = withoutPassword.ConnectionString } } });
            var folder = Path.Combine(Path.GetTempPath(), $"dbagent-live-bench-{System.Environment.ProcessId}");
            Directory.CreateDirectory(folder);
            try
            {
                await using var lsp = LspProcess.Start("dotnet", [server, "lsp"], settings, password);
                await lsp.InitializeAsync(folder);
                var (queries, picked) = Queries(tables, Samples, 2);
                var uri = new Uri(Path.Combine(folder, "q.sql")).AbsoluteUri;
                await lsp.OpenAsync(uri, queries);
                // The catalog loads in the background once the connection is up; edits and other requests go on meanwhile.
                sw.Restart();
                await lsp.ChangeAsync(uri, 2, new DbAgent.Server.Protocol.Position(Samples, 0), "-- typing while the catalog loads\n");
                await lsp.RequestAsync("textDocument/documentSymbol", new { textDocument = new { uri } });
                var editWhileLoading = sw.Elapsed.TotalMilliseconds;
                var ready = false;
                while (sw.Elapsed < TimeSpan.FromSeconds(300))
                {
                    var result = await lsp.CompleteAsync(uri, 0, 34);
                    if (!result.GetProperty("isIncomplete").GetBoolean() && Items(result).Any()) { ready = true; break; }
                    await Task.Delay(50);
                }
                Console.WriteLine(ready
                    ? $"  schema load live (open to first complete completion list, catalog read in the background): {sw.Elapsed.TotalMilliseconds:F0} ms"
                    : "  the live catalog did not load within 300 s");
                if (!ready) lock (LspProcess.Messages) Console.WriteLine("    server said: " + string.Join(" | ", LspProcess.Messages.TakeLast(8)));
                Console.WriteLine($"  an edit + outline answered while the catalog loaded: {editWhileLoading:F0} ms");
                await Execute(target.ConnectionString, "CREATE TABLE t_added_by_benchmark (id bigint PRIMARY KEY)");
                sw.Restart();
                var refreshed = await lsp.RequestAsync("dbagent/refreshSchema", new { connection = "big" });
                Console.WriteLine($"  refresh after DDL elsewhere (change detected, catalog read again): {sw.Elapsed.TotalMilliseconds:F0} ms, {refreshed.GetProperty("tables").GetInt32():N0} tables");
                sw.Restart();
                await lsp.RequestAsync("dbagent/refreshSchema", new { connection = "big" });
                Console.WriteLine($"  refresh with nothing changed (catalog version check only): {sw.Elapsed.TotalMilliseconds:F0} ms");

                var completion = await CompletionLatencies(lsp, uri, picked);
                Print("completion p50/p95 live (FROM t0123|, x.|, column list)", completion.Latencies);
                Console.WriteLine($"    items per answer: FROM prefix {completion.FromItems:F0}, alias dot {completion.DotItems:F0}");
                var withStatistics = 0;
                var firstHovers = await Latencies(100, async k =>
                {
                    var hover = await lsp.HoverAsync(uri, k / 2, k % 2 == 0 ? 32 : 10);
                    if (hover.ValueKind == JsonValueKind.Object && hover.GetProperty("contents").GetProperty("value").GetString()!.Contains("**Statistics** from", StringComparison.Ordinal)) withStatistics++;
                    return hover;
                });
                Print("hover p50/p95 live, first hover per table and column (statistics read ahead on open, never waited on)", firstHovers);
                Console.WriteLine($"    first hovers that showed statistics: {withStatistics} of {firstHovers.Count}");
                var hovers = await Latencies(Samples, k => lsp.HoverAsync(uri, k % 50, k % 2 == 0 ? 32 : 10));
                Print("hover p50/p95 live, statistics cached", hovers);
                GC.Collect();
                var (rss, peak) = lsp.Memory();
                Console.WriteLine($"  dbagent working set live: {rss:F0} MiB resident, {peak:F0} MiB peak");
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }

            await Peer(peer, target, tables);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!Keep)
            {
                await Execute(admin.ConnectionString, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
                Console.WriteLine($"  dropped {Database}");
            }
        }
    }

    private static async Task Peer(string? peer, NpgsqlConnectionStringBuilder target, int tables)
    {
        Console.WriteLine("\n== Peer: postgres-language-server (lsp-proxy) on the same live database");
        if (peer is null || !File.Exists(peer))
        {
            Console.WriteLine("  not run: no postgres-language-server found (set POSTGRES_LANGUAGE_SERVER or --peer, or `npm install @postgres-language-server/cli @postgres-language-server/cli-x86_64-linux-gnu` above this directory).");
            return;
        }
        var folder = Path.Combine(Path.GetTempPath(), $"dbagent-peer-bench-{System.Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var logs = Path.Combine(folder, "logs");
        try
        {
            File.WriteAllText(Path.Combine(folder, "postgres-language-server.jsonc"), JsonSerializer.Serialize(new
            {
                linter = new { enabled = false },
                typecheck = new { enabled = false },
                plpgsqlCheck = new { enabled = false },
                splinter = new { enabled = false },
                db = new
                {
                    host = target.Host, port = target.Port, username = target.Username, password = target.Password, database = target.Database,
                    connTimeoutSecs = 60, disableConnection = false,
                },
            }));
            var version = await Capture(peer, "--version");
            Console.WriteLine($"  {version.Trim()}");
            await using var lsp = LspProcess.Start(peer, ["lsp-proxy", "--config-path", folder, "--log-path", logs], Settings(new { }), null, folder);
            await lsp.InitializeAsync(folder);
            var (queries, picked) = Queries(tables, Samples, 2);
            var uri = new Uri(Path.Combine(folder, "q.sql")).AbsoluteUri;
            await lsp.OpenAsync(uri, queries);
            // Its schema cache loads in the background: time until a completion after FROM names a table.
            var sw = Stopwatch.StartNew();
            var items = 0;
            while (sw.Elapsed < TimeSpan.FromSeconds(120))
            {
                var result = await lsp.CompleteAsync(uri, 0, 34);
                items = Items(result).Count(l => l.StartsWith('t'));
                if (items > 0) break;
                await Task.Delay(250);
            }
            Console.WriteLine(items > 0
                ? $"  schema ready (open to first completion naming a table): {sw.Elapsed.TotalMilliseconds:F0} ms"
                : "  no table in its completion after 120 s: its schema cache did not load");
            // Fewer samples than for dbagent: at this size its answers take seconds each.
            var completion = await CompletionLatencies(lsp, uri, picked.Take(PeerSamples).ToArray());
            Print("completion p50/p95 (same positions as dbagent)", completion.Latencies);
            Console.WriteLine($"    items per answer: FROM prefix {completion.FromItems:F0}, alias dot {completion.DotItems:F0}");
            var hovers = await Latencies(PeerSamples, k => lsp.HoverAsync(uri, k, k % 2 == 0 ? 32 : 10));
            Print("hover p50/p95 (first hover per table)", hovers);
            var (rss, peak) = lsp.Memory();
            Console.WriteLine($"  working set (proxy and daemon): {rss:F0} MiB resident, {peak:F0} MiB peak");
        }
        catch (Exception e)
        {
            Console.WriteLine($"  could not be measured: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await Capture(peer, "stop");
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static IEnumerable<string> Items(JsonElement result)
    {
        var array = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("items", out var items) ? items
            : result.ValueKind == JsonValueKind.Array ? result : default;
        return array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select(i => i.GetProperty("label").GetString() ?? "") : [];
    }

    private static async Task<string> Capture(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    /// <summary>The number of tables in the scratch database's public schema, or -1 when it does not exist.</summary>
    private static async Task<long> Count(string admin, string target)
    {
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand($"SELECT count(*) FROM pg_database WHERE datname = '{Database}'", connection);
            if ((long)(await exists.ExecuteScalarAsync())! == 0) return -1;
        }
        await using var db = new NpgsqlConnection(target);
        await db.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname LIKE 't_____'", db);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
