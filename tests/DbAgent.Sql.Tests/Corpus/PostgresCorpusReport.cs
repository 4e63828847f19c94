using DbAgent.Sql.Validation;

namespace DbAgent.Sql.Tests.Corpus;

/// <summary>
/// The differential report over the PostgreSQL regression corpus (also `dotnet run --project tests/DbAgent.Benchmarks
/// -- corpus`). Prints its figures; asserts the 99% bar on both measures.
/// </summary>
public class PostgresCorpusReport
{
    [Test]
    public void Postgres_regression_corpus_against_libpg_query()
    {
        var corpora = CorpusLocator.Find() ?? Ignore(CorpusLocator.MissingReason);
        if (!LibPgQuery.IsAvailable) Assert.Ignore("libpg_query is not installed: " + LibPgQuery.UnavailableReason);
        var line = CorpusDifferential.Postgres(Path.Combine(corpora, "postgres-regress"));
        Report.Print(line);

        Assert.That(line.ReferenceAccepted, Is.GreaterThan(1000), "libpg_query accepts most of the corpus; far fewer means the split or the binding is broken");
        Assert.Multiple(() =>
        {
            Assert.That(line.NoErrorRate, Is.GreaterThanOrEqualTo(CorpusDifferential.Bar), "statements libpg_query accepts whose tree has no error node");
            Assert.That(line.RelationRate, Is.GreaterThanOrEqualTo(CorpusDifferential.Bar), "statements libpg_query accepts where we see the same relations");
        });
    }

    private static string Ignore(string reason)
    {
        Assert.Ignore(reason);
        return "";
    }
}

/// <summary>The other dialects of the report: T-SQL against ScriptDom, MySQL and SQLite by the rate of statements without an error node.</summary>
public class DialectCorpusReports
{
    private static string Corpora()
    {
        var corpora = CorpusLocator.Find();
        if (corpora is null) Assert.Ignore(CorpusLocator.MissingReason);
        return corpora!;
    }

    [Test]
    public void Tsql_fixtures_against_scriptdom()
    {
        var line = CorpusDifferential.TSql(Path.Combine(Corpora(), "sqlfluff-dialects", "tsql"));
        Report.Print(line);
        Assert.That(line.ReferenceAccepted, Is.GreaterThan(100));
        Assert.That(line.NoErrorRate, Is.GreaterThanOrEqualTo(CorpusDifferential.Bar), "statements ScriptDom accepts whose tree has no error node");
    }

    [Test]
    public void Procedural_tsql_written_for_the_test_against_scriptdom()
    {
        var folder = CorpusDifferential.ProceduralTSqlFolder();
        Assert.That(folder, Is.Not.Null, "tests/DbAgent.Sql.Tests/Corpus/tsql-procedural is part of the repository");
        var line = CorpusDifferential.TSql(folder!, corpus: "tsql-procedural (repo)");
        Report.Print(line);
        Assert.That(line.ReferenceAccepted, Is.GreaterThan(20));
        Assert.That(line.NoErrorRate, Is.EqualTo(1.0), "procedural statements ScriptDom accepts whose tree has no error node");
    }

    [Test]
    public void Mysql_fixtures_without_error_nodes()
    {
        var line = CorpusDifferential.MySql(Corpora());
        Report.Print(line);
        Assert.That(line.Statements, Is.GreaterThan(100));
        Assert.That(line.NoErrorRate, Is.GreaterThanOrEqualTo(CorpusDifferential.Bar), "MySQL statements whose tree has no error node");
    }

    [Test]
    public void Sqlite_chinook_without_error_nodes()
    {
        var line = CorpusDifferential.Sqlite(Corpora());
        Report.Print(line);
        Assert.That(line.Statements, Is.GreaterThan(50), "schema statements and multi-row INSERTs");
        Assert.That(line.NoErrorRate, Is.GreaterThanOrEqualTo(CorpusDifferential.Bar), "SQLite statements whose tree has no error node");
    }
}

internal static class Report
{
    public static void Print(CorpusLine line)
    {
        CorpusDifferential.Print(TestContext.Out, [line]);
        CorpusDifferential.Print(Console.Out, [line], examples: false);
    }
}
