using DbAgent.Analysis.Migrations;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Tests.Migrations;

/// <summary>Migration safety on real DDL through the parser, per engine.</summary>
public class MigrationSafetyTests
{
    private static IReadOnlyList<MigrationRisk> Assess(string sql, SqlDialect dialect = SqlDialect.Postgres) =>
        SqlScript.Parse(sql, dialect).Statements.SelectMany(s => MigrationSafety.Assess(s, dialect)).ToList();

    [Test]
    public void An_index_build_is_judged_by_its_online_option_per_engine()
    {
        Assert.That(Assess("CREATE INDEX ix ON orders (customer_id)").Single(), Has.Property(nameof(MigrationRisk.Level)).EqualTo(MigrationRiskLevel.Warning)
            .And.Property(nameof(MigrationRisk.Title)).Contains("without CONCURRENTLY"));
        Assert.That(Assess("CREATE INDEX CONCURRENTLY ix ON orders (customer_id)").Single().Level, Is.EqualTo(MigrationRiskLevel.Note));
        Assert.That(Assess("CREATE INDEX ix ON orders (customer_id)", SqlDialect.TSql).Single().Title, Does.Contain("without ONLINE = ON"));
        Assert.That(Assess("CREATE INDEX ix ON orders (customer_id) WITH (ONLINE = ON)", SqlDialect.TSql).Single().Level, Is.EqualTo(MigrationRiskLevel.Note));
    }

    [Test]
    public void Dropping_a_column_and_a_not_null_column_without_default_are_dangers()
    {
        var risks = Assess("ALTER TABLE orders DROP COLUMN region;\nALTER TABLE orders ADD COLUMN note text NOT NULL;");
        Assert.That(risks.Where(r => r.Level == MigrationRiskLevel.Danger).Select(r => r.Title),
            Has.Some.Contains("DROP COLUMN `orders.region`").And.Some.Contains("NOT NULL without a default"));
        Assert.That(Assess("ALTER TABLE orders ADD COLUMN note text NULL").Any(r => r.Level == MigrationRiskLevel.Danger), Is.False);
    }

    [Test]
    public void Queries_carry_no_migration_risk() =>
        Assert.That(Assess("SELECT * FROM orders WHERE id = 1"), Is.Empty);
}
