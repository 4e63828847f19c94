using DbAgent.Sql.Dialects;

namespace DbAgent.Sql.Tests.Dialects;

public class DialectResolverTests
{
    [Test]
    public void Connection_engine_wins_over_everything()
    {
        var d = DialectResolver.Resolve("-- dbagent: dialect=mysql\nselect `a` from t", SqlDialect.TSql, SqlDialect.Sqlite, out var source);
        Assert.That((d, source), Is.EqualTo((SqlDialect.TSql, DialectSource.Connection)));
    }

    [Test]
    public void First_line_comment_wins_over_setting_and_content()
    {
        var d = DialectResolver.Resolve("\n-- dbagent: dialect=sqlite\nselect `a` from t", null, SqlDialect.TSql, out var source);
        Assert.That((d, source), Is.EqualTo((SqlDialect.Sqlite, DialectSource.FirstLineComment)));
    }

    [Test]
    public void A_comment_on_a_later_line_does_not_count()
    {
        var d = DialectResolver.Resolve("select 1;\n-- dbagent: dialect=sqlite\n", null, SqlDialect.MySql, out var source);
        Assert.That((d, source), Is.EqualTo((SqlDialect.MySql, DialectSource.Setting)));
    }

    [Test]
    public void Setting_wins_over_content()
    {
        var d = DialectResolver.Resolve("select `a` from t", null, SqlDialect.Postgres, out var source);
        Assert.That((d, source), Is.EqualTo((SqlDialect.Postgres, DialectSource.Setting)));
    }

    [TestCase("CREATE TABLE [dbo].[Orders] ([Id] INT IDENTITY(1,1))\nGO\n", SqlDialect.TSql)]
    [TestCase("SELECT TOP 10 * FROM Orders WHERE Name = N'x'", SqlDialect.TSql)]
    [TestCase("CREATE TABLE `orders` (`id` int AUTO_INCREMENT) ENGINE=InnoDB;", SqlDialect.MySql)]
    [TestCase("CREATE FUNCTION f() RETURNS int AS $$ select 1 $$ LANGUAGE sql;", SqlDialect.Postgres)]
    [TestCase("select created_at::date from t; create table x (id serial);", SqlDialect.Postgres)]
    [TestCase("CREATE EXTENSION IF NOT EXISTS pgcrypto;", SqlDialect.Postgres)]
    [TestCase("PRAGMA foreign_keys = ON; CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);", SqlDialect.Sqlite)]
    [TestCase("CREATE TABLE t (id INTEGER PRIMARY KEY) WITHOUT ROWID;", SqlDialect.Sqlite)]
    public void Detects_from_content(string text, SqlDialect expected)
    {
        var d = DialectResolver.Resolve(text, null, null, out var source);
        Assert.That((d, source), Is.EqualTo((expected, DialectSource.Content)));
    }

    [Test]
    public void Plain_sql_falls_back_to_postgres()
    {
        var d = DialectResolver.Resolve("select a from t where b = 1;", null, null, out var source);
        Assert.That((d, source), Is.EqualTo((SqlDialect.Postgres, DialectSource.Default)));
    }
}
