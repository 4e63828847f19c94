using DbAgent.Sql.Lexing;

namespace DbAgent.Sql.Tests.Lexing;

public class StatementSplitterTests
{
    private static List<string> Split(string sql, SqlDialect dialect)
    {
        var tokens = SqlLexer.Lex(sql, dialect);
        return StatementSplitter.Split(tokens, dialect).Select(s => sql.Substring(s.Span.Start, s.Span.Length)).ToList();
    }

    [Test]
    public void Splits_at_semicolons_but_not_inside_strings_or_comments()
    {
        var parts = Split("select ';'; -- a;b\nselect \"x;y\" /* ; */ from t;select 3", SqlDialect.Postgres);
        Assert.That(parts, Is.EqualTo(new[] { "select ';'", "select \"x;y\" /* ; */ from t", "select 3" }));
    }

    [Test]
    public void Span_excludes_the_terminator_and_leading_comments()
    {
        const string sql = "-- lead\nDELETE FROM t ;  ";
        var tokens = SqlLexer.Lex(sql, SqlDialect.Postgres);
        var slice = StatementSplitter.Split(tokens, SqlDialect.Postgres).Single();
        Assert.That(sql.Substring(slice.Span.Start, slice.Span.Length), Is.EqualTo("DELETE FROM t"));
        Assert.That(slice.Terminator, Is.EqualTo(StatementTerminator.Semicolon));
        Assert.That(tokens[slice.LeadingTriviaStart].Kind, Is.EqualTo(TokenKind.LineComment));
        Assert.That(slice.FullSpan(tokens).End, Is.EqualTo(sql.IndexOf(';') + 1));
    }

    [Test]
    public void Dollar_quoted_function_bodies_stay_whole()
    {
        const string sql = "create function f() returns int as $$ begin return 1; end; $$ language plpgsql; select 1;";
        Assert.That(Split(sql, SqlDialect.Postgres), Has.Count.EqualTo(2));
    }

    [Test]
    public void Begin_atomic_bodies_stay_whole()
    {
        const string sql = "create function f() returns int begin atomic select 1; select 2; end; select 3;";
        var parts = Split(sql, SqlDialect.Postgres);
        Assert.That(parts, Has.Count.EqualTo(2));
        Assert.That(parts[0], Does.EndWith("end"));
    }

    [Test]
    public void Mysql_routines_with_delimiter()
    {
        const string sql = "DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND//\nDELIMITER ;\nSELECT 3;";
        var parts = Split(sql, SqlDialect.MySql);
        Assert.That(parts, Has.Count.EqualTo(2));
        Assert.That(parts[0], Does.StartWith("CREATE PROCEDURE").And.EndWith("END"));
        Assert.That(parts[1], Is.EqualTo("SELECT 3"));
    }

    [Test]
    public void Mysql_routines_without_delimiter_keep_begin_end_whole()
    {
        const string sql = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN IF NEW.a > 1 THEN SET NEW.b = 2; END IF; END; SELECT 1;";
        var parts = Split(sql, SqlDialect.MySql);
        Assert.That(parts, Has.Count.EqualTo(2));
        Assert.That(parts[0], Does.EndWith("END IF; END"));
    }

    [Test]
    public void Sqlite_triggers_keep_their_body()
    {
        const string sql = "CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE b SET n = n + 1; DELETE FROM c; END; SELECT 1;";
        Assert.That(Split(sql, SqlDialect.Sqlite), Has.Count.EqualTo(2));
    }

    [Test]
    public void Go_ends_a_batch_and_tsql_routines_run_to_it()
    {
        const string sql = "CREATE PROCEDURE p AS\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND\nGO\nSELECT 3\nGO 2\n";
        var parts = Split(sql, SqlDialect.TSql);
        Assert.That(parts, Has.Count.EqualTo(2));
        Assert.That(parts[0], Does.StartWith("CREATE PROCEDURE").And.EndWith("END"));
        Assert.That(parts[1], Is.EqualTo("SELECT 3"));
    }

    [Test]
    public void Tsql_statements_need_no_semicolons()
    {
        const string sql = "SET NOCOUNT ON\nDECLARE @n int = 1\nSELECT a FROM t WHERE b IN (SELECT c FROM u)\nUPDATE t SET a = 1 WHERE b = 2\nINSERT INTO t (a) SELECT a FROM u UNION ALL SELECT 1\nDELETE FROM t\n";
        var parts = Split(sql, SqlDialect.TSql);
        Assert.That(parts, Is.EqualTo(new[]
        {
            "SET NOCOUNT ON",
            "DECLARE @n int = 1",
            "SELECT a FROM t WHERE b IN (SELECT c FROM u)",
            "UPDATE t SET a = 1 WHERE b = 2",
            "INSERT INTO t (a) SELECT a FROM u UNION ALL SELECT 1",
            "DELETE FROM t",
        }));
    }

    [Test]
    public void Tsql_keeps_compound_forms_together()
    {
        var parts = Split("WITH c AS (SELECT 1 AS x) SELECT x FROM c\nSELECT TOP 5 WITH TIES a FROM t ORDER BY a\nCREATE VIEW v AS SELECT 1 AS a\nIF @a = 1 SELECT 1 ELSE SELECT 2\nMERGE t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE SET b = s.b WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a);\nALTER TABLE t DROP COLUMN c\nBEGIN TRAN\nCOMMIT", SqlDialect.TSql);
        Assert.That(parts, Is.EqualTo(new[]
        {
            "WITH c AS (SELECT 1 AS x) SELECT x FROM c",
            "SELECT TOP 5 WITH TIES a FROM t ORDER BY a",
            "CREATE VIEW v AS SELECT 1 AS a",
            "IF @a = 1 SELECT 1 ELSE SELECT 2",
            "MERGE t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE SET b = s.b WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a)",
            "ALTER TABLE t DROP COLUMN c",
            "BEGIN TRAN",
            "COMMIT",
        }));
    }

    [Test]
    public void Psql_meta_commands_end_statements_and_are_not_statements()
    {
        var parts = Split("select 1\n\\gset\nselect 2;", SqlDialect.Postgres);
        Assert.That(parts, Is.EqualTo(new[] { "select 1", "select 2" }));
    }

    [Test]
    public void Empty_statements_are_skipped()
    {
        Assert.That(Split(";;  ; -- x\n;", SqlDialect.Postgres), Is.Empty);
    }
}
