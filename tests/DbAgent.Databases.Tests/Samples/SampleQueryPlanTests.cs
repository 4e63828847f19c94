using DbAgent.SampleData;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Tests.Samples;

/// <summary>
/// The sample queries are there to show problems and their absence. These tests pin that down on the generated
/// SQLite shop: a change to the migrations that indexed away a problem (or lost an index a good query needs) fails
/// here rather than quietly emptying the demo.
/// </summary>
[TestFixture]
public sealed class SampleQueryPlanTests
{
    private string _directory = null!;
    private string _database = null!;

    [OneTimeSetUp]
    public async Task GenerateTheShop()
    {
        _directory = Path.Combine(Path.GetTempPath(), "dbagent-sample-plans-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        _database = Path.Combine(_directory, "shop.db");
        await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(
            SqlDialect.Sqlite, _database, Path.Combine(Workspace(), "migrations"), SampleSize.ForOrders(20_000)));
    }

    [OneTimeTearDown]
    public void DeleteTheShop()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [TestCase("orders-by-coupon.sql", 0, "SCAN orders")]
    [TestCase("biggest-orders.sql", 0, "SCAN orders")]
    [TestCase("biggest-orders.sql", 0, "USE TEMP B-TREE FOR ORDER BY")]
    [TestCase("customer-login.sql", 0, "SCAN customers")]
    [TestCase("customer-search.sql", 0, "SCAN customers")]
    [TestCase("product-sales.sql", 0, "SCAN oi")]
    [TestCase("product-sales.sql", 1, "SCAN e")]
    public void A_slow_sample_query_has_the_plan_it_is_there_to_show(string file, int statement, string expected)
    {
        var plan = Plan(file, statement);

        Assert.That(plan, Has.Some.EqualTo(expected), string.Join("\n", plan));
    }

    [TestCase("customer-orders.sql", 0)]
    [TestCase("order-details.sql", 0)]
    [TestCase("order-details.sql", 1)]
    [TestCase("recent-orders.sql", 0)]
    public void A_good_sample_query_reads_through_indexes_only(string file, int statement)
    {
        var plan = Plan(file, statement);

        Assert.That(plan, Has.Some.StartWith("SEARCH"), string.Join("\n", plan));
        Assert.That(plan, Has.None.StartWith("SCAN"), string.Join("\n", plan));
        Assert.That(plan, Has.None.Contains("TEMP B-TREE"), string.Join("\n", plan));
    }

    [Test]
    public void Every_sample_file_names_its_dialect_on_the_first_line()
    {
        var root = Path.GetDirectoryName(Workspace())!;
        foreach (var (folder, dialect) in new[] { ("workspace", "sqlite"), ("workspace-postgres", "postgres"), ("workspace-mysql", "mysql") })
        {
            var files = Directory.GetFiles(Path.Combine(root, folder), "*.sql", SearchOption.AllDirectories);
            Assert.That(files, Is.Not.Empty, folder);
            foreach (var file in files)
                Assert.That(File.ReadLines(file).First(), Is.EqualTo($"-- dbagent: dialect={dialect}"), file);
        }
    }

    [Test]
    public void The_three_workspaces_have_the_same_migrations_and_queries()
    {
        var root = Path.GetDirectoryName(Workspace())!;
        string[] Names(string folder) => Directory.GetFiles(Path.Combine(root, folder), "*.sql", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(root, folder), f)).Order(StringComparer.Ordinal).ToArray();

        Assert.That(Names("workspace-postgres"), Is.EqualTo(Names("workspace")));
        Assert.That(Names("workspace-mysql"), Is.EqualTo(Names("workspace")));
    }

    /// <summary>The detail column of EXPLAIN QUERY PLAN for one statement of a sample query file.</summary>
    private List<string> Plan(string file, int statement)
    {
        var text = File.ReadAllText(Path.Combine(Workspace(), "queries", file));
        var tokens = SqlLexer.Lex(text, SqlDialect.Sqlite);
        var slices = StatementSplitter.Split(tokens, SqlDialect.Sqlite);
        var span = slices[statement].Span;
        var sql = text.Substring(span.Start, span.Length).TrimEnd().TrimEnd(';');

        using var db = new SqliteConnection($"Data Source={_database};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var reader = command.ExecuteReader();
        var details = new List<string>();
        while (reader.Read()) details.Add(reader.GetString(3));
        return details;
    }

    private static string Workspace()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "workspace");
            if (Directory.Exists(Path.Combine(candidate, "migrations"))) return candidate;
        }
        throw new DirectoryNotFoundException($"samples/workspace not found above {TestContext.CurrentContext.TestDirectory}");
    }
}
