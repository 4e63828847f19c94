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
    advice = await WorkloadAdvisor.AdviseAsync(session, SqlDialect.Postgres, queries, null, new WorkloadAdviceOptions(), CancellationToken.None);
var adviseSeconds = watch.Elapsed.TotalSeconds;
var ours = advice.Selection.Indexes.Select(i => IndexAdvisor.Render(i.Index, SqlDialect.Postgres).Up.Replace(" CONCURRENTLY", "").Replace(" IF NOT EXISTS", "")).ToList();

var grouped = Workload.Group(queries);
var configurations = new List<(string Name, IReadOnlyList<string>? Ddl)> { ("none", []), ("Dexter", dexter.Ddl), ("DbAgent", ours) };
var results = new List<(string Name, int Count, long Bytes, double Ms, IReadOnlyList<string> Ddl)>();
var perQuery = new Dictionary<string, List<double>>();
foreach (var (name, ddl) in configurations)
{
    if (ddl is null) continue;
    await Bench.DropSecondaryIndexesAsync(data);
    foreach (var statement in ddl) await Bench.ExecAsync(data, statement);
    await Bench.ExecAsync(data, "ANALYZE");
    var bytes = await Bench.SecondaryIndexBytesAsync(data);
    double total;
    var times = new List<double>();
    foreach (var q in grouped) times.Add(await Bench.MedianMsAsync(data, q.Sql, 5));
    total = times.Sum();
    perQuery[name] = times;
    results.Add((name, ddl.Count, bytes, total, ddl));
}
await Bench.DropSecondaryIndexesAsync(data);

Console.WriteLine($"Advisor benchmark: {grouped.Count} query shapes ({queries.Count} queries) on {Database} (scale {scale:0.##}: {await Bench.ScalarAsync(data, "SELECT (SELECT count(*) FROM orders) || ' orders, ' || (SELECT count(*) FROM order_items) || ' order items, ' || (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM products) || ' products'")}).");
Console.WriteLine($"Workload time = sum over query shapes of the median of 5 EXPLAIN ANALYZE runs, indexes really built.");
Console.WriteLine();
foreach (var r in results.Skip(1))
{
    Console.WriteLine($"{r.Name} indexes ({r.Count}):");
    foreach (var ddl in r.Ddl) Console.WriteLine("  " + ddl);
}
if (dexter.Ddl is null) Console.WriteLine($"Dexter: NOT RUN: {dexter.Why}");
Console.WriteLine();
Console.WriteLine($"DbAgent advising: {adviseSeconds:0.0} s; {advice.Selection.Candidates} candidates; what-if: {advice.Selection.Counters.Batches} batches, {advice.Selection.Counters.Explains} plans, {advice.Selection.Counters.CacheHits} cache hits.");
if (dexter.Seconds is { } ds) Console.WriteLine($"Dexter advising: {ds:0.0} s.");
Console.WriteLine();
Console.WriteLine($"{"config",-8} {"indexes",8} {"size",10} {"workload ms",12} {"time vs none",13} {"time vs Dexter",15} {"size vs Dexter",15}");
var none = results.First(r => r.Name == "none");
var dex = results.FirstOrDefault(r => r.Name == "Dexter");
foreach (var r in results)
{
    var vsDexterTime = dex.Name is null ? "-" : (r.Ms / dex.Ms).ToString("0.00x", CultureInfo.InvariantCulture);
    var vsDexterSize = dex.Name is null || dex.Bytes == 0 ? "-" : (r.Bytes / (double)dex.Bytes).ToString("0.00x", CultureInfo.InvariantCulture);
    Console.WriteLine($"{r.Name,-8} {r.Count,8} {IndexSelection.Bytes(r.Bytes),10} {r.Ms,12:0.0} {(r.Ms / none.Ms).ToString("0.000x", CultureInfo.InvariantCulture),13} {vsDexterTime,15} {vsDexterSize,15}");
}
Console.WriteLine();
if (args.Contains("--per-query"))
{
    Console.WriteLine("Per query, median ms (" + string.Join(" / ", perQuery.Keys) + "):");
    for (var i = 0; i < grouped.Count; i++)
        Console.WriteLine($"  #{i + 1,-3} {string.Join(" / ", perQuery.Values.Select(t => t[i].ToString("0.00", CultureInfo.InvariantCulture))),-28} {(grouped[i].Sql.Length > 90 ? grouped[i].Sql[..90] : grouped[i].Sql)}");
}
else Console.WriteLine("Per query figures: add --per-query.");
return 0;

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

    /// <summary>Median of the execution times EXPLAIN ANALYZE reports, after one warm-up run.</summary>
    public static async Task<double> MedianMsAsync(NpgsqlConnection c, string sql, int runs)
    {
        var times = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            await using var command = new NpgsqlCommand($"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", c) { CommandTimeout = 0 };
            var json = Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
            using var doc = JsonDocument.Parse(json);
            var ms = doc.RootElement[0].GetProperty("Execution Time").GetDouble();
            if (i > 0) times.Add(ms);
        }
        times.Sort();
        return times[times.Count / 2];
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
