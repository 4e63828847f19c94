namespace DbAgent.Sql.Tests.Dialects;

/// <summary>How each dialect quotes a name: the one implementation that completion, the advisor and the engines share.</summary>
public class DelimitTests
{
    [TestCase(SqlDialect.Postgres, "Order \"x\"", "\"Order \"\"x\"\"\"")]
    [TestCase(SqlDialect.Sqlite, "a\"b", "\"a\"\"b\"")]
    [TestCase(SqlDialect.MySql, "a`b", "`a``b`")]
    [TestCase(SqlDialect.TSql, "a]b", "[a]]b]")]
    public void The_closing_delimiter_is_doubled_inside(SqlDialect dialect, string name, string expected) =>
        Assert.That(dialect.Delimit(name), Is.EqualTo(expected));
}
