using DbAgent.Databases.Plans;

namespace DbAgent.Databases.Tests.Plans;

/// <summary>
/// Which statements SQL Server's plans are refused for (issue 12), from catalog rows as sys.objects and
/// sys.sql_expression_dependencies return them. The live counterpart is in SqlServerProviderTests (skipped here: no
/// SQL Server engine on these machines).
/// </summary>
public class SqlServerPlanningGuardTests
{
    private static readonly SqlServerFunction Lock = new("dbo", "take_lock", "FN");
    private static readonly SqlServerFunction Clr = new("billing", "Tax", "FS");
    private static readonly SqlServerFunction[] Functions = [Lock, Clr];

    private static readonly SqlServerViewReference[] Views =
    [
        new("dbo", "locked_orders", null, "orders"),
        new("dbo", "locked_orders", "dbo", "take_lock"),
        new("dbo", "report", "dbo", "locked_orders"),
        new("dbo", "plain_orders", null, "orders"),
        // A view naming a function of the same name in another schema reaches nothing of ours.
        new("dbo", "other_schema", "audit", "take_lock"),
    ];

    private static IReadOnlyList<SqlServerFunction> Reached(string sql) => SqlServerPlanningGuard.Reached(sql, Functions, Views);

    [Test]
    public void A_direct_call_of_a_user_scalar_function_is_refused_with_its_kind_named()
    {
        Assert.That(Reached("SELECT dbo.take_lock(42)"), Is.EqualTo(new[] { Lock }));
        Assert.That(Reached("SELECT id FROM orders WHERE total > [billing].[Tax] (total)"), Is.EqualTo(new[] { Clr }));
        var message = SqlServerPlanningGuard.Describe(Reached("SELECT dbo.take_lock(1), billing.Tax(2)"));
        Assert.That(message, Does.Contain("billing.Tax (CLR scalar function)").And.Contain("dbo.take_lock (T-SQL scalar function)")
            .And.Contain("SQL Server folds while it compiles").And.StartWith("Not explained:"));
    }

    [Test]
    public void A_function_reached_through_a_view_or_a_view_of_a_view_is_refused()
    {
        Assert.That(Reached("SELECT * FROM dbo.locked_orders WHERE id = 1"), Is.EqualTo(new[] { Lock }));
        Assert.That(Reached("SELECT * FROM report"), Is.EqualTo(new[] { Lock }));
    }

    [Test]
    public void Built_ins_columns_and_unrelated_views_are_planned()
    {
        Assert.That(Reached("SELECT id, upper(status), getdate() FROM orders WHERE id = 7"), Is.Empty);
        Assert.That(Reached("SELECT take_lock FROM plain_orders"), Is.Empty, "a column of the same name is not a call");
        Assert.That(Reached("SELECT * FROM other_schema"), Is.Empty, "audit.take_lock is not dbo.take_lock");
        Assert.That(SqlServerPlanningGuard.Reached("SELECT dbo.take_lock(1)", [], Views), Is.Empty, "a database without user scalar functions");
    }
}
