using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Advisor.Workload;
using DbAgent.Databases;
using DbAgent.Databases.Advisor;
using DbAgent.Databases.Connections;
using DbAgent.Sql;
using Npgsql;

// The workload index advisor beside Dexter, in one run, on a generated PostgreSQL shop:
//   1. (re)generate the data in a scratch database (skewed: popular products, rare order statuses);
//   2. ask Dexter (Ruby; DEXTER_PATH = a folder with exe/dexter and lib/) and DbAgent for indexes, timing DbAgent;
//   3. for none / Dexter / DbAgent: build the indexes for real in the scratch database, ANALYZE, run every query with
//      EXPLAIN ANALYZE five times and take the median; print the indexes, their total size, the workload time and ratios.
// usage: dotnet run -c Release --project tests/DbAgent.AdvisorBench -- [--scale 1.0] [--keep-data]
// needs DBAGENT_TEST_POSTGRES (a role that can CREATEDB, HypoPG on the server).

var baseConnection = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
if (string.IsNullOrEmpty(baseConnection))
{
    Console.Error.WriteLine("DBAGENT_TEST_POSTGRES is not set: the advisor benchmark needs a PostgreSQL server with HypoPG.");
    return 2;
}
var scale = args.SkipWhile(a => a != "--scale").Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1.0);
var keepData = args.Contains("--keep-data");
// --budget-fraction F: the advisor's storage budget as a fraction of the tables' size (default: the advisor's own default).
var budgetFraction = args.SkipWhile(a => a != "--budget-fraction").Skip(1).Select(a => (double?)double.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault();
const string Database = "dbagent_test_advisor11_bench";
var benchConnection = new NpgsqlConnectionStringBuilder(baseConnection) { Database = Database, CommandTimeout = 0, Pooling = false }.ConnectionString;
var workloadPath = Path.Combine(AppContext.BaseDirectory, "workload.sql");
var workloadText = File.ReadAllText(workloadPath);
var queries = WorkloadText.Queries(workloadText, SqlDialect.Postgres, "workload.sql");

await Generate.EnsureAsync(baseConnection, benchConnection, Database, scale, keepData);
await using var data = new NpgsqlConnection(benchConnection);
await data.OpenAsync();
await Bench.DropSecondaryIndexesAsync(data);
await Bench.ExecAsync(data, "ANALYZE");

// Dexter.
var dexter = await Bench.RunDexterAsync(benchConnection, workloadPath);

// DbAgent, timed.
var watch = Stopwatch.StartNew();
var target = ConnectionResolver.Resolve(benchConnection);
WorkloadAdvice advice;
await using (var session = await ProviderRegistry.Default.OpenAsync(target, CancellationToken.None))
    advice = await WorkloadAdvisor.AdviseAsync(session, SqlDialect.Postgres, queries, null, budgetFraction is { } f ? new WorkloadAdviceOptions { BudgetFraction = f } : new WorkloadAdviceOptions(), CancellationToken.None);
var adviseSeconds = watch.Elapsed.TotalSeconds;
var ours = advice.Selection.Indexes.Select(i => IndexAdvisor.Render(i.Index, SqlDialect.Postgres).Up.Replace(" CONCURRENTLY", "").Replace(" IF NOT EXISTS", "")).ToList();

var grouped = Workload.Group(queries);
if (args.Contains("--advise-only"))
{
    Console.WriteLine($"DbAgent advising: {adviseSeconds:0.0} s; {advice.Selection.Candidates} candidates; what-if: {advice.Selection.Counters.Batches} batches, {advice.Selection.Counters.Explains} plans, {advice.Selection.Counters.CacheHits} cache hits.");
    foreach (var i in advice.Selection.Indexes) Console.WriteLine($"  {IndexSelection.Bytes(i.SizeBytes ?? 0),10}  {i.Index.DefinitionKey}  serves [{string.Join(", ", i.Serves)}]");
    foreach (var q in advice.Selection.Queries) Console.WriteLine($"  q{q.Id,-3} {q.Before,10:0.0} -> {q.After,10:0.0}  {(q.Query.Sql.Length > 90 ? q.Query.Sql[..90] : q.Query.Sql)}");
    return 0;
}
var dbagentByName = advice.Selection.Indexes.ToDictionary(i => i.Index.Name, i => i.Index, StringComparer.Ordinal);

// Each configuration gets its own byte-for-byte copy of the data (CREATE DATABASE ... TEMPLATE: same pages, same
// statistics), so that the three can be measured interleaved: query by query, run by run, none / Dexter / DbAgent in
// turn (the order rotating), and load from elsewhere falls on all three alike.
await data.CloseAsync();
var configurations = new List<Config> { new("none", [], benchConnection) };
if (dexter.Ddl is not null) configurations.Add(new("Dexter", dexter.Ddl, await Bench.CopyAsync(baseConnection, Database, Database + "_dexter")));
configurations.Add(new("DbAgent", ours, await Bench.CopyAsync(baseConnection, Database, Database + "_dbagent")));
foreach (var config in configurations)
{
    config.Connection = new NpgsqlConnection(config.ConnectionString);
    await config.Connection.OpenAsync();
    await Bench.DropSecondaryIndexesAsync(config.Connection);
    foreach (var statement in config.Ddl) await Bench.ExecAsync(config.Connection, statement);
    await Bench.ExecAsync(config.Connection, "ANALYZE");
    config.Bytes = await Bench.SecondaryIndexBytesAsync(config.Connection);
}
const int Runs = 5;
foreach (var q in grouped)
{
    var runs = configurations.ToDictionary(c => c.Name, _ => new List<double>());
    foreach (var c in configurations) await Bench.ExplainAnalyzeAsync(c.Connection!, q.Sql); // warm-up
    for (var round = 0; round < Runs; round++)
        for (var k = 0; k < configurations.Count; k++)
        {
            var c = configurations[(k + round) % configurations.Count];
            var (ms, used) = await Bench.ExplainAnalyzeAsync(c.Connection!, q.Sql);
            runs[c.Name].Add(ms);
            if (round == Runs - 1) c.IndexesUsed.Add(used);
        }
    foreach (var c in configurations) c.Medians.Add(Bench.Median(runs[c.Name]));
}
var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
foreach (var c in configurations) await c.Connection!.DisposeAsync();
await using (var cleanup = new NpgsqlConnection(benchConnection))
{
    await cleanup.OpenAsync();
    await Bench.DropSecondaryIndexesAsync(cleanup);
    Console.WriteLine($"Advisor benchmark: {grouped.Count} query shapes ({queries.Count} queries) on {Database} (scale {scale:0.##}: {await Bench.ScalarAsync(cleanup, "SELECT (SELECT count(*) FROM orders) || ' orders, ' || (SELECT count(*) FROM order_items) || ' order items, ' || (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM products) || ' products'")}).");
}
if (!keepData)
    foreach (var c in configurations.Skip(1)) await Bench.DropDatabaseAsync(baseConnection, new NpgsqlConnectionStringBuilder(c.ConnectionString).Database!);
Console.WriteLine($"Workload time = sum over query shapes of the median of {Runs} EXPLAIN ANALYZE runs after a warm-up, indexes really built,");
Console.WriteLine($"each configuration in its own copy of the data, the three interleaved run by run. Load average at the end: {load}.");
Console.WriteLine();
foreach (var c in configurations.Skip(1))
{
    Console.WriteLine($"{c.Name} indexes ({c.Ddl.Count}):");
    foreach (var ddl in c.Ddl) Console.WriteLine("  " + ddl);
}
if (dexter.Ddl is null) Console.WriteLine($"Dexter: NOT RUN: {dexter.Why}");
Console.WriteLine();
Console.WriteLine($"DbAgent advising: {adviseSeconds:0.0} s; {advice.Selection.Candidates} candidates; what-if: {advice.Selection.Counters.Batches} batches, {advice.Selection.Counters.Explains} plans, {advice.Selection.Counters.CacheHits} cache hits.");
if (dexter.Seconds is { } ds) Console.WriteLine($"Dexter advising: {ds:0.0} s.");
Console.WriteLine();
Console.WriteLine($"{"config",-8} {"indexes",8} {"size",10} {"workload ms",12} {"time vs none",13} {"time vs Dexter",15} {"size vs Dexter",15}");
var none = configurations[0];
var dex = configurations.FirstOrDefault(c => c.Name == "Dexter");
foreach (var r in configurations)
{
    var vsDexterTime = dex is null ? "-" : (r.Total / dex.Total).ToString("0.00x", CultureInfo.InvariantCulture);
    var vsDexterSize = dex is null || dex.Bytes == 0 ? "-" : (r.Bytes / (double)dex.Bytes).ToString("0.00x", CultureInfo.InvariantCulture);
    Console.WriteLine($"{r.Name,-8} {r.Ddl.Count,8} {IndexSelection.Bytes(r.Bytes),10} {r.Total,12:0.0} {(r.Total / none.Total).ToString("0.000x", CultureInfo.InvariantCulture),13} {vsDexterTime,15} {vsDexterSize,15}");
}
Console.WriteLine();

// Where Dexter cannot go: the queries whose DbAgent plan reads an index of a kind Dexter 0.4.3 never proposes.
var ourConfig = configurations.Last();
Console.WriteLine("DbAgent indexes of kinds Dexter 0.4.3 does not propose (more than two keys, INCLUDE, DESC, partial, expression):");
var special = advice.Selection.Indexes.Select(i => (i.Index, Kinds: Bench.Kinds(i.Index))).Where(x => x.Kinds.Count > 0).ToList();
if (special.Count == 0) Console.WriteLine("  none chosen");
foreach (var (index, kinds) in special) Console.WriteLine($"  {index.Name} [{string.Join(", ", kinds)}]");
Console.WriteLine();
Console.WriteLine($"Queries whose DbAgent plan uses one of them (median ms{(dex is null ? "" : "; DbAgent vs Dexter")}):");
double specialOurs = 0, specialDexter = 0;
for (var i = 0; i < grouped.Count; i++)
{
    var used = ourConfig.IndexesUsed[i].Where(n => dbagentByName.TryGetValue(n, out var x) && Bench.Kinds(x).Count > 0).ToList();
    if (used.Count == 0) continue;
    var ratio = dex is null ? "" : (ourConfig.Medians[i] / dex.Medians[i]).ToString("0.00x", CultureInfo.InvariantCulture);
    specialOurs += ourConfig.Medians[i];
    specialDexter += dex?.Medians[i] ?? 0;
    Console.WriteLine($"  #{i + 1,-3} {(dex is null ? "" : $"Dexter {dex.Medians[i],8:0.00}  ")}DbAgent {ourConfig.Medians[i],8:0.00}  {ratio,6}  via {string.Join(", ", used.Select(n => $"{n} [{string.Join(", ", Bench.Kinds(dbagentByName[n]))}]"))}");
    Console.WriteLine($"        {Short(grouped[i].Sql)}");
}
if (dex is not null && specialDexter > 0)
    Console.WriteLine($"  together: Dexter {specialDexter:0.00} ms, DbAgent {specialOurs:0.00} ms ({(specialOurs / specialDexter).ToString("0.00x", CultureInfo.InvariantCulture)})");
Console.WriteLine();
if (args.Contains("--per-query"))
{
    Console.WriteLine("Per query, median ms (" + string.Join(" / ", configurations.Select(c => c.Name)) + "):");
    for (var i = 0; i < grouped.Count; i++)
        Console.WriteLine($"  #{i + 1,-3} {string.Join(" / ", configurations.Select(c => c.Medians[i].ToString("0.00", CultureInfo.InvariantCulture))),-28} {Short(grouped[i].Sql)}");
}
else Console.WriteLine("Per query figures: add --per-query.");
return 0;

static string Short(string sql) => sql.Length > 100 ? sql[..100] : sql;

/// <summary>One index configuration measured: its DDL, its own copy of the data, and what each query took and read.</summary>
sealed class Config(string name, IReadOnlyList<string> ddl, string connectionString)
{
    public string Name { get; } = name;
    public IReadOnlyList<string> Ddl { get; } = ddl;
    public string ConnectionString { get; } = connectionString;
    public NpgsqlConnection? Connection { get; set; }
    public long Bytes { get; set; }
    public List<double> Medians { get; } = [];
    public List<IReadOnlyList<string>> IndexesUsed { get; } = [];
    public double Total => Medians.Sum();
}

static class Generate
{
    /// <summary>The shop, generated in the server by generate_series: skewed product popularity, rare statuses.</summary>
    public static async Task EnsureAsync(string baseConnection, string benchConnection, string database, double scale, bool keep)
    {
        await using (var admin = new NpgsqlConnection(baseConnection))
        {
            await admin.OpenAsync();
            var exists = await Bench.ScalarAsync(admin, $"SELECT count(*) FROM pg_database WHERE datname = '{database}'") == "1";
            if (exists && keep) { Console.Error.WriteLine($"Reusing {database}."); return; }
            if (exists && !keep)
            {
                await using var check = new NpgsqlConnection(benchConnection);
                await check.OpenAsync();
                var marker = await Bench.ScalarAsync(check, "SELECT obj_description(to_regclass('orders'))");
                if (marker == $"advisor bench scale {scale.ToString(CultureInfo.InvariantCulture)}") { Console.Error.WriteLine($"Reusing {database} (same scale)."); return; }
            }
            if (exists) await Bench.ExecAsync(admin, $"DROP DATABASE {database} WITH (FORCE)");
            await Bench.ExecAsync(admin, $"CREATE DATABASE {database}");
        }
        await using var c = new NpgsqlConnection(benchConnection);
        await c.OpenAsync();
        try
        {
            await Bench.ExecAsync(c, "CREATE EXTENSION IF NOT EXISTS hypopg");
        }
        catch (PostgresException e) when (e.SqlState == "42501")
        {
            // Only a superuser creates HypoPG; the test database has it: copy that one (needs nobody connected to it
            // for a moment) and drop its tables.
            await c.CloseAsync();
            await using (var admin = new NpgsqlConnection(baseConnection))
            {
                await admin.OpenAsync();
                var template = new NpgsqlConnectionStringBuilder(baseConnection).Database;
                await Bench.ExecAsync(admin, $"DROP DATABASE {database} WITH (FORCE)");
                for (var attempt = 1; ; attempt++)
                {
                    try { await Bench.ExecAsync(admin, $"CREATE DATABASE {database} TEMPLATE {template}"); break; }
                    catch (PostgresException busy) when (busy.SqlState == "55006" && attempt < 60) { await Task.Delay(1000); }
                }
            }
            await c.OpenAsync();
            await Bench.ExecAsync(c, """
                DO $$ DECLARE t record; BEGIN
                  FOR t IN SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
                           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') LOOP
                    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', t.relname);
                  END LOOP; END $$
                """);
        }
        var customers = (int)(100_000 * scale);
        var products = (int)(10_000 * scale);
        var orders = (int)(1_000_000 * scale);
        var items = (int)(3_000_000 * scale);
        Console.Error.WriteLine($"Generating {customers} customers, {products} products, {orders} orders, {items} order items ...");
        await Bench.ExecAsync(c, $"""
            SELECT setseed(0.42);
            CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, country text NOT NULL, created_at timestamptz NOT NULL);
            CREATE TABLE products (id int PRIMARY KEY, category_id int NOT NULL, name text NOT NULL, price numeric(10,2) NOT NULL);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, total numeric(10,2) NOT NULL, shipped_at timestamptz);
            CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, product_id int NOT NULL, quantity int NOT NULL, price numeric(10,2) NOT NULL);
            INSERT INTO customers SELECT g, 'user' || g || '@example.com',
                (ARRAY['US','US','US','DE','DE','FR','GB','GB','NL','SE','IS','NZ'])[1 + (random() * 11)::int],
                timestamptz '2022-01-01' + random() * interval '3 years' FROM generate_series(1, {customers}) g;
            INSERT INTO products SELECT g, 1 + (random() * 49)::int, 'Product ' || g, round((1 + random() * 200)::numeric, 2) FROM generate_series(1, {products}) g;
            INSERT INTO orders SELECT g, 1 + (power(random(), 2) * ({customers} - 1))::int,
                CASE WHEN r < 0.80 THEN 'delivered' WHEN r < 0.92 THEN 'shipped' WHEN r < 0.98 THEN 'pending' WHEN r < 0.995 THEN 'refunded' ELSE 'disputed' END,
                timestamptz '2022-01-01' + (g::double precision / {orders}) * interval '3 years' + random() * interval '1 day',
                round((5 + random() * 995)::numeric, 2), NULL
                FROM (SELECT g, random() AS r FROM generate_series(1, {orders}) g) s;
            UPDATE orders SET shipped_at = created_at + interval '2 days' WHERE status IN ('delivered', 'shipped');
            INSERT INTO order_items SELECT g, 1 + ((g - 1) % {orders}), 1 + (power(random(), 3) * ({products} - 1))::int, 1 + (random() * 9)::int, round((1 + random() * 200)::numeric, 2)
                FROM generate_series(1, {items}) g;
            COMMENT ON TABLE orders IS 'advisor bench scale {scale.ToString(CultureInfo.InvariantCulture)}';
            """);
        await Bench.ExecAsync(c, "VACUUM ANALYZE");
    }
}

static class Bench
{
    public static async Task ExecAsync(NpgsqlConnection c, string sql)
    {
        await using var command = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<string?> ScalarAsync(NpgsqlConnection c, string sql)
    {
        await using var command = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Every index but the primary keys, so that each configuration starts from the same tables.</summary>
    public static async Task DropSecondaryIndexesAsync(NpgsqlConnection c)
    {
        var names = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT quote_ident(n.nspname) || '.' || quote_ident(ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE NOT i.indisprimary AND n.nspname = 'public'", c))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        foreach (var name in names) await ExecAsync(c, $"DROP INDEX {name}");
    }

    public static async Task<long> SecondaryIndexBytesAsync(NpgsqlConnection c) =>
        long.Parse(await ScalarAsync(c, "SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE NOT i.indisprimary AND n.nspname = 'public'") ?? "0", CultureInfo.InvariantCulture);

    /// <summary>One EXPLAIN ANALYZE: the execution time it reports and the indexes its plan reads.</summary>
    public static async Task<(double Ms, IReadOnlyList<string> Indexes)> ExplainAnalyzeAsync(NpgsqlConnection c, string sql)
    {
        await using var command = new NpgsqlCommand($"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", c) { CommandTimeout = 0 };
        var json = Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
        using var doc = JsonDocument.Parse(json);
        var indexes = new List<string>();
        void Walk(JsonElement node)
        {
            if (node.TryGetProperty("Index Name", out var name) && name.GetString() is { } n && !indexes.Contains(n)) indexes.Add(n);
            if (node.TryGetProperty("Plans", out var children)) foreach (var child in children.EnumerateArray()) Walk(child);
        }
        Walk(doc.RootElement[0].GetProperty("Plan"));
        return (doc.RootElement[0].GetProperty("Execution Time").GetDouble(), indexes);
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>What makes an index one Dexter 0.4.3 never proposes (it proposes one or two plain ascending columns).</summary>
    public static IReadOnlyList<string> Kinds(IndexCandidate index)
    {
        var kinds = new List<string>();
        if (index.Keys.Count > 2) kinds.Add($"{index.Keys.Count} keys");
        if (index.Include.Count > 0) kinds.Add("INCLUDE");
        if (index.Keys.Any(k => k.Key.Descending)) kinds.Add("DESC");
        if (index.Predicate is not null) kinds.Add("partial");
        if (index.Keys.Any(k => k.Key.Expression is not null)) kinds.Add("expression");
        return kinds;
    }

    /// <summary>A copy of the database (CREATE DATABASE ... TEMPLATE), made again each run; waits while the template is busy.</summary>
    public static async Task<string> CopyAsync(string baseConnection, string template, string copy)
    {
        await using var admin = new NpgsqlConnection(baseConnection);
        await admin.OpenAsync();
        await ExecAsync(admin, $"DROP DATABASE IF EXISTS {copy} WITH (FORCE)");
        for (var attempt = 1; ; attempt++)
        {
            try { await ExecAsync(admin, $"CREATE DATABASE {copy} TEMPLATE {template}"); break; }
            catch (PostgresException busy) when (busy.SqlState == "55006" && attempt < 60) { await Task.Delay(1000); }
        }
        return new NpgsqlConnectionStringBuilder(baseConnection) { Database = copy, CommandTimeout = 0, Pooling = false }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string baseConnection, string database)
    {
        await using var admin = new NpgsqlConnection(baseConnection);
        await admin.OpenAsync();
        await ExecAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    }

    /// <summary>
    /// Dexter from DEXTER_PATH (its released source: exe/dexter and lib/, run with Debian's ruby, ruby-pg,
    /// ruby-pg-query and ruby-slop). Its "Index found: table (columns)" lines become CREATE INDEX statements.
    /// </summary>
    public static async Task<(IReadOnlyList<string>? Ddl, string? Why, double? Seconds)> RunDexterAsync(string connection, string workloadPath)
    {
        var path = Environment.GetEnvironmentVariable("DEXTER_PATH");
        if (string.IsNullOrEmpty(path) || !File.Exists(Path.Combine(path, "exe", "dexter")))
            return (null, "DEXTER_PATH is not set to a Dexter source folder (exe/dexter, lib/); see tests/DbAgent.AdvisorBench/README.md", null);
        var b = new NpgsqlConnectionStringBuilder(connection);
        var url = $"postgresql://{Uri.EscapeDataString(b.Username ?? "")}:{Uri.EscapeDataString(b.Password ?? "")}@{b.Host}:{b.Port}/{b.Database}";
        // Dexter splits a SQL file on ';': give it the statements without comments.
        var plain = Path.Combine(Path.GetTempPath(), "dbagent-advisor-bench-dexter.sql");
        await File.WriteAllTextAsync(plain, string.Join(";\n", WorkloadText.Queries(await File.ReadAllTextAsync(workloadPath), SqlDialect.Postgres).Select(q => q.Sql)) + ";\n");
        var start = new ProcessStartInfo("ruby", ["-I", Path.Combine(path, "lib"), Path.Combine(path, "exe", "dexter"), "-d", url, "--input-format", "sql", plain])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0) return (null, $"Dexter exited with {process.ExitCode}: {stderr.Trim()}", null);
        var ddl = new List<string>();
        foreach (Match m in Regex.Matches(stdout + stderr, @"Index found: (\S+) \(([^)]*)\)"))
            ddl.Add($"CREATE INDEX ON {m.Groups[1].Value} ({m.Groups[2].Value})");
        return (ddl, null, seconds);
    }
}
