using DbAgent.SampleData;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Databases.Tests.Samples;

/// <summary>
/// The PostgreSQL and MariaDB sample workspaces show the same problems as the SQLite one: checked on a generated
/// shop in a scratch schema (PostgreSQL) or scratch database (MariaDB), with each engine's own EXPLAIN.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ServerSampleQueryPlanTests
{
    private const int Orders = 20_000;
    private string? _postgres;
    private string? _postgresSchema;
    private string? _mysql;
    private string? _mysqlDatabase;

    [OneTimeSetUp]
    public async Task GenerateTheShops()
    {
        var postgres = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            _postgresSchema = "sample_plans_" + Guid.NewGuid().ToString("N")[..8];
            await using (var admin = new NpgsqlConnection(postgres))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE SCHEMA {_postgresSchema}", admin);
                await create.ExecuteNonQueryAsync();
            }
            _postgres = new NpgsqlConnectionStringBuilder(postgres) { SearchPath = _postgresSchema }.ConnectionString;
            await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(
                SqlDialect.Postgres, _postgres, Migrations("workspace-postgres"), SampleSize.ForOrders(Orders)));
        }

        var mysql = Environment.GetEnvironmentVariable("DBAGENT_TEST_MYSQL");
        if (!string.IsNullOrWhiteSpace(mysql))
        {
            _mysqlDatabase = "dbagent_test_plans_" + Guid.NewGuid().ToString("N")[..8];
            await using (var admin = new MySqlConnection(mysql))
            {
                await admin.OpenAsync();
                await using var create = new MySqlCommand($"CREATE DATABASE {_mysqlDatabase}", admin);
                await create.ExecuteNonQueryAsync();
            }
            _mysql = new MySqlConnectionStringBuilder(mysql) { Database = _mysqlDatabase }.ConnectionString;
            await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(
                SqlDialect.MySql, _mysql, Migrations("workspace-mysql"), SampleSize.ForOrders(Orders)));
        }
    }

    [OneTimeTearDown]
    public async Task DropTheShops()
    {
        var postgres = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        if (_postgresSchema is not null && postgres is not null)
        {
            await using var admin = new NpgsqlConnection(postgres);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_postgresSchema} CASCADE", admin);
            await drop.ExecuteNonQueryAsync();
        }
        var mysql = Environment.GetEnvironmentVariable("DBAGENT_TEST_MYSQL");
        if (_mysqlDatabase is not null && mysql is not null)
        {
            await using var admin = new MySqlConnection(mysql);
            await admin.OpenAsync();
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS {_mysqlDatabase}", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [TestCase("orders-by-coupon.sql", 0, "Seq Scan on orders")]
    [TestCase("biggest-orders.sql", 0, "Sort")]
    [TestCase("customer-login.sql", 0, "Seq Scan on customers")]
    [TestCase("customer-search.sql", 0, "Seq Scan on customers")]
    [TestCase("product-sales.sql", 0, "Seq Scan on order_items")]
    [TestCase("product-sales.sql", 1, "Seq Scan on events")]
    public async Task Postgres_slow_sample_query_has_the_plan_it_is_there_to_show(string file, int statement, string expected)
    {
        var plan = await PostgresPlanAsync(file, statement);

        Assert.That(plan, Does.Contain(expected), plan);
    }

    [TestCase("customer-orders.sql", 0)]
    [TestCase("order-details.sql", 0)]
    [TestCase("order-details.sql", 1)]
    [TestCase("recent-orders.sql", 0)]
    public async Task Postgres_good_sample_query_reads_through_indexes_only(string file, int statement)
    {
        var plan = await PostgresPlanAsync(file, statement);

        Assert.That(plan, Does.Contain("Index"), plan);
        Assert.That(plan, Does.Not.Contain("Seq Scan"), plan);
    }

    [TestCase("orders-by-coupon.sql", 0, "orders")]
    [TestCase("biggest-orders.sql", 0, "orders")]
    [TestCase("customer-login.sql", 0, "customers")]
    [TestCase("customer-search.sql", 0, "customers")]
    [TestCase("product-sales.sql", 0, "oi")]
    [TestCase("product-sales.sql", 1, "e")]
    public async Task MySql_slow_sample_query_reads_a_whole_table(string file, int statement, string table)
    {
        var plan = await MySqlPlanAsync(file, statement);

        Assert.That(plan.Where(row => row.Table == table).Select(row => row.Type), Has.Some.EqualTo("ALL"), Describe(plan));
    }

    [Test]
    public async Task MySql_biggest_orders_sorts_without_an_index()
    {
        var plan = await MySqlPlanAsync("biggest-orders.sql", 0);

        Assert.That(plan.Select(row => row.Extra), Has.Some.Contains("filesort"), Describe(plan));
    }

    [TestCase("customer-orders.sql", 0)]
    [TestCase("order-details.sql", 0)]
    [TestCase("order-details.sql", 1)]
    [TestCase("recent-orders.sql", 0)]
    public async Task MySql_good_sample_query_reads_through_indexes_only(string file, int statement)
    {
        var plan = await MySqlPlanAsync(file, statement);

        Assert.That(plan.Select(row => row.Type), Has.None.EqualTo("ALL").And.None.EqualTo("index"), Describe(plan));
    }

    private async Task<string> PostgresPlanAsync(string file, int statement)
    {
        if (_postgres is null) Assert.Ignore("DBAGENT_TEST_POSTGRES is not set (.ci/run sets it after starting PostgreSQL 15)");
        await using var db = new NpgsqlConnection(_postgres);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN " + Statement("workspace-postgres", file, statement, SqlDialect.Postgres), db);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    private sealed record MySqlPlanRow(string? Table, string? Type, string? Extra);

    private async Task<List<MySqlPlanRow>> MySqlPlanAsync(string file, int statement)
    {
        if (_mysql is null) Assert.Ignore("DBAGENT_TEST_MYSQL is not set (.ci/run sets it after starting MariaDB)");
        await using var db = new MySqlConnection(_mysql);
        await db.OpenAsync();
        await using var command = new MySqlCommand("EXPLAIN " + Statement("workspace-mysql", file, statement, SqlDialect.MySql), db);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<MySqlPlanRow>();
        string? Text(string column) => reader.IsDBNull(reader.GetOrdinal(column)) ? null : reader.GetString(reader.GetOrdinal(column));
        while (await reader.ReadAsync()) rows.Add(new MySqlPlanRow(Text("table"), Text("type"), Text("Extra")));
        return rows;
    }

    private static string Describe(IEnumerable<MySqlPlanRow> plan) =>
        string.Join("\n", plan.Select(row => $"{row.Table} {row.Type} {row.Extra}"));

    private static string Statement(string workspace, string file, int statement, SqlDialect dialect)
    {
        var text = File.ReadAllText(Path.Combine(SamplesRoot(), workspace, "queries", file));
        var span = StatementSplitter.Split(SqlLexer.Lex(text, dialect), dialect)[statement].Span;
        return text.Substring(span.Start, span.Length).TrimEnd().TrimEnd(';');
    }

    private static string Migrations(string workspace) => Path.Combine(SamplesRoot(), workspace, "migrations");

    private static string SamplesRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples");
            if (Directory.Exists(Path.Combine(candidate, "workspace", "migrations"))) return candidate;
        }
        throw new DirectoryNotFoundException($"samples/ not found above {TestContext.CurrentContext.TestDirectory}");
    }
}
