using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Tests.Rules;

public class WherelessDmlRuleTests
{
    private static IReadOnlyList<Finding> Lint(string sql, SqlDialect dialect = SqlDialect.Postgres, RuleSettings? settings = null) =>
        Linter.Analyze(SqlScript.Parse(sql, dialect), settings);

    [Test]
    public void Delete_without_where_is_an_error_on_the_exact_statement_range()
    {
        const string sql = "SELECT 1;\nDELETE FROM orders;\n";
        var findings = Lint(sql);
        Assert.That(findings, Has.Count.EqualTo(1));
        var f = findings[0];
        Assert.That(f.RuleId, Is.EqualTo("delete-without-where"));
        Assert.That(f.Severity, Is.EqualTo(FindingSeverity.Error));
        Assert.That(sql.Substring(f.Span.Start, f.Span.Length), Is.EqualTo("DELETE FROM orders"));
        Assert.That(f.Message, Does.Contain("orders"));
        Assert.That(f.Data["table"], Is.EqualTo("orders"));
    }

    [Test]
    public void Delete_with_where_passes() =>
        Assert.That(Lint("DELETE FROM orders WHERE id = 1;"), Is.Empty);

    [Test]
    public void Update_without_where_is_an_error_on_the_exact_statement_range()
    {
        const string sql = "  UPDATE public.orders\n  SET status = 'x'  ;";
        var findings = Lint(sql);
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "update-without-where" }));
        Assert.That(sql.Substring(findings[0].Span.Start, findings[0].Span.Length), Is.EqualTo("UPDATE public.orders\n  SET status = 'x'"));
        Assert.That(findings[0].Message, Does.Contain("public.orders"));
    }

    [Test]
    public void Update_with_where_passes() =>
        Assert.That(Lint("UPDATE orders SET status = 'x' WHERE id = 1;"), Is.Empty);

    [Test]
    public void A_where_inside_a_subquery_does_not_restrict_the_update()
    {
        var findings = Lint("UPDATE orders SET total = (SELECT sum(x) FROM items WHERE items.order_id = orders.id);");
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "update-without-where" }));
    }

    [Test]
    public void Where_current_of_counts_as_a_where()
    {
        Assert.That(Lint("UPDATE orders SET status = 'x' WHERE CURRENT OF c;"), Is.Empty);
        Assert.That(Lint("DELETE FROM orders WHERE CURRENT OF c;"), Is.Empty);
    }

    [Test]
    public void Truncate_is_not_this_rule() =>
        Assert.That(Lint("TRUNCATE TABLE orders;").Select(f => f.RuleId), Has.None.Matches<string>(id => id.EndsWith("-without-where")));

    [Test]
    public void Delete_inside_a_cte_query_with_where_passes_and_without_is_reported()
    {
        Assert.That(Lint("WITH old AS (SELECT id FROM orders) DELETE FROM orders WHERE id IN (SELECT id FROM old);"), Is.Empty);
        Assert.That(Lint("WITH old AS (SELECT id FROM orders WHERE x = 1) DELETE FROM orders;").Select(f => f.RuleId),
            Is.EqualTo(new[] { "delete-without-where" }));
    }

    [Test]
    public void TSql_top_without_where_is_reported_and_says_top_only_caps_the_count()
    {
        var findings = Lint("UPDATE TOP (10) dbo.orders SET status = 'x';", SqlDialect.TSql);
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "update-without-where" }));
        Assert.That(findings[0].Message, Does.Contain("TOP"));
        Assert.That(findings[0].Message, Does.Contain("dbo.orders"));
        Assert.That(Lint("DELETE TOP (10) FROM dbo.orders;", SqlDialect.TSql).Select(f => f.RuleId), Is.EqualTo(new[] { "delete-without-where" }));
        Assert.That(Lint("DELETE TOP (10) FROM dbo.orders WHERE status = 'old';", SqlDialect.TSql), Is.Empty);
    }

    [Test]
    public void MySql_limit_without_where_is_reported()
    {
        var findings = Lint("DELETE FROM orders ORDER BY id LIMIT 100;", SqlDialect.MySql);
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "delete-without-where" }));
        Assert.That(findings[0].Message, Does.Contain("LIMIT"));
    }

    [Test]
    public void MySql_multi_table_forms()
    {
        Assert.That(Lint("UPDATE orders o, customers c SET o.region = c.region;", SqlDialect.MySql).Select(f => f.RuleId),
            Is.EqualTo(new[] { "update-without-where" }), "a comma join restricts nothing");
        Assert.That(Lint("UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.region = c.region;", SqlDialect.MySql),
            Is.Empty, "the inner join's ON restricts the target");
        Assert.That(Lint("DELETE o FROM orders o LEFT JOIN customers c ON c.id = o.customer_id;", SqlDialect.MySql).Select(f => f.RuleId),
            Is.EqualTo(new[] { "delete-without-where" }), "a left join keeps every target row");
        Assert.That(Lint("DELETE o, i FROM orders o JOIN items i ON i.order_id = o.id WHERE o.status = 'void';", SqlDialect.MySql), Is.Empty);
        Assert.That(Lint("DELETE o FROM orders o INNER JOIN stale s ON s.id = o.id;", SqlDialect.MySql), Is.Empty);
        Assert.That(Lint("DELETE t1.*, t2.* FROM t1 INNER JOIN t2 INNER JOIN t3 WHERE t1.id = t2.id AND t2.id = t3.id;", SqlDialect.MySql), Is.Empty);
        Assert.That(Lint("DELETE FROM t1.*, t2.* USING t1 INNER JOIN t2 INNER JOIN t3 WHERE t1.id = t2.id AND t2.id = t3.id;", SqlDialect.MySql), Is.Empty);
    }

    [Test]
    public void TSql_update_from_join_and_update_statistics()
    {
        Assert.That(Lint("UPDATE o SET o.region = c.region FROM dbo.orders o INNER JOIN dbo.customers c ON c.id = o.customer_id;", SqlDialect.TSql), Is.Empty);
        Assert.That(Lint("UPDATE STATISTICS dbo.orders;", SqlDialect.TSql), Is.Empty);
        Assert.That(Lint("DELETE FROM #staging;", SqlDialect.TSql), Is.Empty, "a temp table");
        Assert.That(Lint("ALTER FULLTEXT INDEX ON dbo.docs START UPDATE POPULATION;", SqlDialect.TSql), Is.Empty, "not an UPDATE statement");
        Assert.That(Lint("DELETE OPENQUERY (Remote, 'SELECT id FROM t WHERE id = 1');", SqlDialect.TSql), Is.Empty, "the remote query picks the rows");
        Assert.That(Lint("UPDATE OPENQUERY (Remote, 'SELECT name FROM t WHERE id = 1') SET name = 'x';", SqlDialect.TSql), Is.Empty);
    }

    [Test]
    public void Postgres_update_from_without_where_updates_every_row()
    {
        Assert.That(Lint("UPDATE orders SET region = c.region FROM customers c;").Select(f => f.RuleId),
            Is.EqualTo(new[] { "update-without-where" }));
        Assert.That(Lint("DELETE FROM orders USING customers c;").Select(f => f.RuleId),
            Is.EqualTo(new[] { "delete-without-where" }));
    }

    [TestCase(SqlDialect.Postgres)]
    [TestCase(SqlDialect.MySql)]
    [TestCase(SqlDialect.TSql)]
    [TestCase(SqlDialect.Sqlite)]
    public void Every_dialect_reports_a_plain_delete(SqlDialect dialect) =>
        Assert.That(Lint("DELETE FROM orders;", dialect).Select(f => f.RuleId), Is.EqualTo(new[] { "delete-without-where" }));
}
