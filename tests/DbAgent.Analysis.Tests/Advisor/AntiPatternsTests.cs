using DbAgent.Analysis.Advisor;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Tests.Advisor;

public class AntiPatternsTests
{
    private static IReadOnlyList<AntiPattern> Find(string sql, SqlDialect dialect = SqlDialect.Postgres)
    {
        var script = SqlScript.Parse(sql, dialect);
        return AntiPatterns.Find(script, script.Statements[0]);
    }

    [Test]
    public void Names_the_shapes_that_defeat_an_index_where_they_are()
    {
        const string sql = "SELECT * FROM users WHERE lower(email) = $1 OR name LIKE '%smith%' ORDER BY created_at";
        var found = Find(sql);
        Assert.That(found.Select(p => p.Id), Is.SupersetOf(new[] { "select-star", "function-on-column", "leading-wildcard-like", "or-across-columns" }));
        var like = found.Single(p => p.Id == "leading-wildcard-like");
        Assert.That(sql.Substring(like.Span.Start, like.Span.Length), Does.StartWith("name LIKE"));
        Assert.That(like.Fix, Does.Contain("gin_trgm_ops"));
        Assert.That(Find("SELECT id FROM users WHERE name LIKE '%smith%'", SqlDialect.MySql).Single(p => p.Id == "leading-wildcard-like").Fix, Does.Contain("FULLTEXT"));
    }

    [Test]
    public void A_plain_keyed_query_has_none() =>
        Assert.That(Find("SELECT id, total FROM orders WHERE customer_id = $1 ORDER BY created_at LIMIT 20"), Is.Empty);

    [Test]
    public void Not_in_with_a_subquery_is_flagged() =>
        Assert.That(Find("SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders) LIMIT 50").Select(p => p.Id), Does.Contain("not-in-subquery"));
}
