using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.Postgres;
using DbAgent.Databases.Tests.Support;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using Npgsql;

namespace DbAgent.Databases.Tests.Catalog;

/// <summary>The live catalog refreshed by reading only the tables that changed (real PostgreSQL, a scratch schema of its own).</summary>
[NonParallelizable]
public class PostgresIncrementalCatalogTests
{
    private static string Describe(SchemaModel schema) => string.Join("\n", schema.Tables.OrderBy(t => t.Name.Name, StringComparer.Ordinal).Select(t =>
        $"{t.Name.Name}: {string.Join(", ", t.Columns.Select(c => $"{c.Name} {c.DataType}{(c.Nullable ? "" : " not null")}"))}" +
        $" | {string.Join(", ", t.Constraints.Select(c => $"{c.Kind} {c.Name} ({string.Join(",", c.Columns)}) -> {c.ReferencedTable?.Name}"))}" +
        $" | {string.Join(", ", t.Indexes.Select(i => $"{i.Name}({string.Join(",", i.Keys.Select(k => k.Column ?? k.Expression))})"))}"));

    /// <summary>
    /// A database of its own, not a schema in the shared one: the catalog version counts every user schema of the
    /// database, and other tests create and drop theirs meanwhile.
    /// </summary>
    private sealed class OwnDatabase(string admin, string name) : IAsyncDisposable
    {
        public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;

        public static async Task<OwnDatabase> CreateAsync()
        {
            await using var scratch = await ScratchDatabase.PostgresAsync(); // skips with the reason when there is no PostgreSQL
            var name = $"dbagent_test_catalog_{Guid.NewGuid():N}"[..36];
            await Run(scratch.AdminConnectionString, $"CREATE DATABASE {name}");
            return new OwnDatabase(scratch.AdminConnectionString, name);
        }

        public Task ExecuteAsync(string sql) => Run(ConnectionString, sql);

        public ConnectionTarget Target() => ConnectionTargetParser.FromConnectionString(ConnectionString, DatabaseEngine.Postgres, "own");

        private static async Task Run(string connectionString, string sql)
        {
            await using var c = new NpgsqlConnection(connectionString);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 300 };
            await cmd.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await Run(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    [Test]
    public async Task Changed_tables_are_read_again_and_the_result_matches_a_full_read()
    {
        await using var db = await OwnDatabase.CreateAsync();
        await db.ExecuteAsync("""
            CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), total numeric(10,2));
            CREATE TABLE untouched (id int PRIMARY KEY, note text);
            """);
        await using var session = await new PostgresProvider().OpenAsync(db.Target(), CancellationToken.None);
        var known = await session.LoadSchemaAsync(CancellationToken.None);
        var knownVersion = (await session.CatalogVersionAsync(CancellationToken.None))!;
        var untouched = known.FindTable(new QualifiedName(null, "untouched"))!;

        await db.ExecuteAsync("""
            ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
            CREATE INDEX ix_orders_total ON orders (total DESC);
            CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id));
            ALTER TABLE customers RENAME TO clients;
            """);
        var version = (await session.CatalogVersionAsync(CancellationToken.None))!;
        Assert.That(version, Is.Not.EqualTo(knownVersion));

        var patched = await session.RefreshSchemaAsync(known, knownVersion, version, CancellationToken.None);
        Assert.That(patched, Is.Not.Null, "additions, alterations and a rename are read incrementally");
        var full = await session.LoadSchemaAsync(CancellationToken.None);
        Assert.That(Describe(patched!), Is.EqualTo(Describe(full)));
        Assert.That(patched!.FindTable(new QualifiedName(null, "customers")), Is.Null, "the old name is gone");
        Assert.That(patched.FindTable(new QualifiedName(null, "orders"))!.ForeignKeys.Single().ReferencedTable!.Name, Is.EqualTo("clients"),
            "a table whose key points at the renamed one is read again");
        Assert.That(ReferenceEquals(patched.FindTable(new QualifiedName(null, "untouched")), untouched), Is.True, "a table that did not change is not read again");
        Assert.That(known.FindTable(new QualifiedName(null, "refunds")), Is.Null, "the known model is not changed");

        // Nothing left behind by a drop shows as a newer row: the count falls, and the caller reads it all.
        await db.ExecuteAsync("DROP TABLE refunds;");
        var dropped = (await session.CatalogVersionAsync(CancellationToken.None))!;
        Assert.That(await session.RefreshSchemaAsync(patched, version, dropped, CancellationToken.None), Is.Null);
    }
}
