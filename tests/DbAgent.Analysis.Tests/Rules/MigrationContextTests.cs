using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Tests.Rules;

/// <summary>What the migration rules know from the rest of the script, and the fixes they offer.</summary>
public class MigrationContextTests
{
    private static IReadOnlyList<Finding> Analyze(string sql, SqlDialect dialect = SqlDialect.Postgres, IReadOnlySet<string>? newTables = null) =>
        FindingsPipeline.Analyze(SqlScript.Parse(sql, dialect), new AnalysisInput { NewTables = newTables }).Findings;

    [Test]
    public void A_table_created_earlier_in_the_migration_is_new_and_empty_so_indexing_it_is_not_reported()
    {
        var sql = "CREATE TABLE carts (id bigint PRIMARY KEY, user_id bigint);\nCREATE INDEX carts_user_idx ON carts (user_id);\nALTER TABLE carts ADD CONSTRAINT carts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n";
        var ids = Analyze(sql).Select(f => f.RuleId).ToList();
        Assert.That(ids, Does.Not.Contain("index-without-concurrently").And.Not.Contain("constraint-without-not-valid").And.Not.Contain("missing-lock-timeout"));

        // The same statements on a table the migration did not create are reported.
        var existing = Analyze("CREATE INDEX carts_user_idx ON carts (user_id);\n").Select(f => f.RuleId).ToList();
        Assert.That(existing, Does.Contain("index-without-concurrently").And.Contain("missing-lock-timeout"));
        // ... unless another migration of the same change created it.
        Assert.That(Analyze("CREATE INDEX carts_user_idx ON carts (user_id);\n", newTables: new HashSet<string> { "carts" }).Select(f => f.RuleId),
            Does.Not.Contain("index-without-concurrently"));
    }

    [Test]
    public void A_name_created_in_several_schemas_is_new_only_in_the_schema_created_before_the_statement()
    {
        var sql = "CREATE TABLE s1.t (id int);\nCREATE INDEX i1 ON s2.t (id);\nCREATE TABLE s2.t (id int);\nCREATE INDEX i2 ON s2.t (id);\nCREATE TABLE s3.t (id int);\n";
        var script = SqlScript.Parse(sql, SqlDialect.Postgres);
        var facts = new ScriptFacts(script);
        int Start(int statement) => script.Statements[statement].Span.Start;
        Assert.That(facts.IsNewTable(Sql.Semantics.QualifiedName.Parse("s2.t"), Start(1)), Is.False, "only s1.t exists before the first index");
        Assert.That(facts.IsNewTable(Sql.Semantics.QualifiedName.Parse("s2.t"), Start(3)), Is.True, "s2.t, the second creation of the name, comes before the second index");
        Assert.That(facts.IsNewTable(Sql.Semantics.QualifiedName.Parse("s3.t"), Start(3)), Is.False, "s3.t is created after it");
        Assert.That(facts.IsNewTable(Sql.Semantics.QualifiedName.Parse("s3.t"), sql.Length), Is.True);
        Assert.That(facts.IsNewTable(Sql.Semantics.QualifiedName.Parse("t"), Start(1)), Is.True, "an unqualified name matches any schema");
        Assert.That(facts.IsNewTable(Sql.Semantics.QualifiedName.Parse("t"), Start(0)), Is.False);
        Assert.That(Analyze(sql).Where(f => f.RuleId == "index-without-concurrently").Select(f => script.Text.ToString(f.Span)),
            Has.Some.Contains("i1").And.None.Contains("i2"));
    }

    [Test]
    public void The_index_comes_after_the_table_only_when_created_before_it()
    {
        var sql = "CREATE INDEX carts_user_idx ON carts (user_id);\nCREATE TABLE carts2 (id bigint);\n";
        Assert.That(Analyze(sql).Select(f => f.RuleId), Does.Contain("index-without-concurrently"));
    }

    [Test]
    public void Lock_timeout_set_first_silences_the_advice_and_is_reported_once_otherwise()
    {
        Assert.That(Analyze("SET lock_timeout = '3s';\nALTER TABLE a ADD COLUMN b text;\n").Select(f => f.RuleId), Does.Not.Contain("missing-lock-timeout"));
        var findings = Analyze("ALTER TABLE a ADD COLUMN b text;\nALTER TABLE a ADD COLUMN c text;\n").Where(f => f.RuleId == "missing-lock-timeout").ToList();
        Assert.That(findings, Has.Count.EqualTo(1));
        Assert.That(Apply("ALTER TABLE a ADD COLUMN b text;\n", findings[0].Fixes[0]), Is.EqualTo("SET lock_timeout = '5s';\nALTER TABLE a ADD COLUMN b text;\n"));
    }

    [Test]
    public void Quick_fixes_are_mechanical_and_correct()
    {
        var sql = "SELECT id FROM users WHERE deleted_at = NULL AND name <> NULL;";
        var fixes = Analyze(sql).Where(f => f.RuleId == "compare-to-null").Select(f => f.Fixes.Single()).ToList();
        Assert.That(fixes.Select(f => f.Title), Is.EqualTo(new[] { "Replace with IS NULL", "Replace with IS NOT NULL" }));
        Assert.That(Apply(Apply(sql, fixes[1]), fixes[0]), Is.EqualTo("SELECT id FROM users WHERE deleted_at IS NULL AND name IS NOT NULL;"));

        var index = "SET lock_timeout = '5s';\nCREATE UNIQUE INDEX users_email_idx ON users (email);";
        var concurrently = Analyze(index).Single(f => f.RuleId == "index-without-concurrently").Fixes.Single();
        Assert.That(Apply(index, concurrently), Does.EndWith("CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);"));

        var fk = "SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);";
        var split = Analyze(fk).Single(f => f.RuleId == "constraint-without-not-valid").Fixes.Single();
        Assert.That(Apply(fk, split), Does.EndWith("REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;"));

        var tx = "BEGIN;\nCREATE INDEX CONCURRENTLY a_b_idx ON a (b);\nCOMMIT;\n";
        var move = Analyze(tx).Single(f => f.RuleId == "concurrently-in-transaction").Fixes.Single();
        var moved = Apply(tx, move);
        Assert.That(moved, Does.Contain("COMMIT;\nCREATE INDEX CONCURRENTLY a_b_idx ON a (b);"));
        Assert.That(Analyze(moved).Select(f => f.RuleId), Does.Not.Contain("concurrently-in-transaction"));
    }

    [Test]
    public void Assignments_to_null_are_not_comparisons()
    {
        Assert.That(Analyze("UPDATE users SET deleted_at = NULL WHERE id = 1;").Select(f => f.RuleId), Does.Not.Contain("compare-to-null"));
        Assert.That(Analyze("SELECT a = NULL FROM t;", SqlDialect.TSql).Select(f => f.RuleId), Does.Not.Contain("compare-to-null"));
        Assert.That(Analyze("SELECT CASE WHEN a = NULL THEN 1 END FROM t;").Select(f => f.RuleId), Does.Contain("compare-to-null"));
    }

    [Test]
    public void Rules_report_only_on_their_engines()
    {
        Assert.That(Analyze("CREATE INDEX ix ON orders (customer_id);", SqlDialect.MySql).Select(f => f.RuleId), Does.Not.Contain("index-without-concurrently"));
        Assert.That(Analyze("CREATE INDEX ix ON orders (customer_id);", SqlDialect.TSql).Select(f => f.RuleId), Does.Contain("index-without-online"));
    }

    /// <summary>Applies a fix's edits, last first so earlier offsets stay valid.</summary>
    internal static string Apply(string text, FindingFix fix)
    {
        foreach (var edit in fix.Edits.OrderByDescending(e => e.Span.Start))
            text = text[..edit.Span.Start] + edit.NewText + text[edit.Span.End..];
        return text;
    }
}
