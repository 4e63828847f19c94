using DbAgent.Server.Cli;
using Npgsql;

namespace DbAgent.Server.Tests.Robustness;

/// <summary>A statement declined for safety says so in a finding (issue 12), through the one analysis path `dbagent check` uses.</summary>
[TestFixture]
[NonParallelizable]
public sealed class PlanNotExplainedTests
{
    private string _schema = null!;
    private string _connectionString = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task CreateFunction()
    {
        var admin = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        if (string.IsNullOrEmpty(admin))
            Assert.Ignore("DBAGENT_TEST_POSTGRES is not set: run through .ci/run (or export it) to test plans against PostgreSQL.");
        _schema = "dbagent_test_robust12_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"""
                CREATE SCHEMA {_schema};
                CREATE TABLE {_schema}.items(id int PRIMARY KEY);
                CREATE FUNCTION {_schema}.takes_lock(k int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock(k); RETURN k; END $$;
                """, c);
            await cmd.ExecuteNonQueryAsync();
        }
        _connectionString = new NpgsqlConnectionStringBuilder(admin) { SearchPath = _schema }.ConnectionString;
        _dir = Path.Combine(Path.GetTempPath(), "dbagent-notexplained-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [OneTimeTearDown]
    public async Task Drop()
    {
        if (_connectionString is null) return;
        await using var c = new NpgsqlConnection(Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES"));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", c);
        await cmd.ExecuteNonQueryAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task Check_reports_why_a_statement_was_not_explained()
    {
        var file = Path.Combine(_dir, "q.sql");
        File.WriteAllText(file, "SELECT * FROM items WHERE id = takes_lock(4711);\n");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CheckCommand.RunAsync([file, "--dialect", "postgres", "--connection", _connectionString], output, error);
        Assert.That(code, Is.EqualTo(0), error.ToString());
        Assert.That(output.ToString(), Does.Contain("plan-not-explained").And.Contain("takes_lock(integer)"));
    }
}
