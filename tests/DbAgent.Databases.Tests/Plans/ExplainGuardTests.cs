using DbAgent.Databases.Plans;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Tests.Plans;

public class ExplainGuardTests
{
    [TestCase("DROP TABLE orders")]
    [TestCase("TRUNCATE orders")]
    [TestCase("ALTER TABLE orders ADD COLUMN x int")]
    [TestCase("CREATE INDEX ix ON orders(status)")]
    [TestCase("GRANT SELECT ON orders TO public")]
    [TestCase("VACUUM orders")]
    [TestCase("BEGIN")]
    [TestCase("SELECT 1; DELETE FROM orders")]
    [TestCase("")]
    [TestCase("   -- only a comment\n")]
    public void Statements_without_a_plan_or_batches_are_never_sent(string sql)
    {
        Assert.Throws<StatementNotExplainableException>(() => ExplainGuard.Check(sql, SqlDialect.Postgres));
    }

    [TestCase("SELECT * FROM orders WHERE id = 1", StatementKind.Select, true)]
    [TestCase("select * from orders;  ", StatementKind.Select, true)]
    [TestCase("DELETE FROM orders WHERE id = 1", StatementKind.Delete, false)]
    [TestCase("UPDATE orders SET total = 0", StatementKind.Update, false)]
    [TestCase("INSERT INTO orders(id) VALUES (1)", StatementKind.Insert, false)]
    [TestCase("WITH d AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM d", StatementKind.Select, false)]
    [TestCase("SELECT * INTO copy FROM orders", StatementKind.Select, false)]
    [TestCase("SELECT * FROM orders FOR UPDATE", StatementKind.Select, false)]
    [TestCase("SELECT nextval('s')", StatementKind.Select, false)]
    public void Only_plain_selects_count_as_read_only_for_analyze(string sql, StatementKind kind, bool readOnly)
    {
        var statement = ExplainGuard.Check(sql, SqlDialect.Postgres);
        Assert.That((statement.Kind, statement.IsReadOnly), Is.EqualTo((kind, readOnly)));
        Assert.That(statement.Sql, Does.Not.EndWith(";"));
    }

    [Test]
    public void Positional_parameters_are_counted()
    {
        Assert.That(ExplainGuard.Check("SELECT * FROM t WHERE a = $1 AND b > $3 OR c = $1", SqlDialect.Postgres).ParameterCount, Is.EqualTo(3));
        Assert.That(ExplainGuard.Check("SELECT * FROM t WHERE a = ? AND b = :b", SqlDialect.Sqlite).ParameterNames, Is.EqualTo(new[] { "?", ":b" }));
    }

    [Test]
    public void Aliases_are_read_from_from_and_join()
    {
        var aliases = StatementAliases.Of("SELECT * FROM shop.orders AS o JOIN customers c ON c.id = o.customer_id, items i WHERE o.total > 1", SqlDialect.Postgres);
        Assert.That(aliases, Is.EquivalentTo(new Dictionary<string, string> { ["o"] = "orders", ["c"] = "customers", ["i"] = "items" }));
        Assert.That(StatementAliases.Of("SELECT * FROM orders WHERE id = 1", SqlDialect.Postgres), Is.Empty);
    }
}
