using CsCheck;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Tests.Incremental;

public class IncrementalParseTests
{
    private static readonly string[] Snippets =
    [
        "", " ", "\n", ";", "'", "\"", "$$", "$a$", "/*", "*/", "--", "(", ")", ",", ".", "`", "[", "]", "\nGO\n",
        "SELECT ", "FROM ", "WHERE ", " AND ", "x = 1", "orders o", "JOIN items i ON i.oid = o.id", "UPDATE t SET a = 1",
        "DELETE FROM t", "INSERT INTO t VALUES (1)", "CREATE TABLE z (id int)", "BEGIN", "END;", "E'\\''", "N'x'",
        "WITH c AS (SELECT 1) ", "CREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql;", "\\set x 1\n", "# c\n",
    ];

    private static string Corpus(SqlDialect dialect) => dialect switch
    {
        SqlDialect.MySql => "CREATE TABLE `users` (`id` int NOT NULL AUTO_INCREMENT, `email` varchar(255), PRIMARY KEY (`id`));\n# comment\nINSERT INTO users (email) VALUES ('a\\'b') ON DUPLICATE KEY UPDATE email = VALUES(email);\nUPDATE users u JOIN orders o ON o.uid = u.id SET u.n = 1 WHERE o.x > 2;\nSELECT * FROM users WHERE email LIKE 'a%' LIMIT 5, 10;\n",
        SqlDialect.TSql => "CREATE TABLE [dbo].[Users] ([Id] INT IDENTITY(1,1) PRIMARY KEY, [Email] NVARCHAR(255))\nGO\nSELECT TOP 10 * FROM dbo.Users u WITH (NOLOCK) WHERE u.Email = N'x'\nUPDATE u SET u.Email = 'y' FROM dbo.Users u JOIN dbo.Orders o ON o.UserId = u.Id\nDELETE FROM dbo.Users WHERE Id = @id\nGO 2\n",
        SqlDialect.Sqlite => "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE c SET n = n + 1; END;\nSELECT * FROM t WHERE name GLOB 'a*' ORDER BY id DESC;\nDELETE FROM t WHERE id = ?1;\n",
        _ => PostgresText(),
    };

    private static string PostgresText()
    {
        var path = Path.Combine(RepoRoot(), "..", "shared", "corpora", "postgres-regress", "join.sql");
        var fromCorpus = File.Exists(path) ? File.ReadAllText(path) : "";
        if (fromCorpus.Length > 6000) fromCorpus = fromCorpus[..6000];
        return "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric(10,2) DEFAULT 0, note text);\n" +
               "-- a comment; with a semicolon\nSELECT o.id, sum(i.qty) FROM orders o JOIN items i ON i.oid = o.id WHERE o.note LIKE 'x%' GROUP BY o.id;\n" +
               "CREATE FUNCTION f() RETURNS int AS $$ begin return 1; end; $$ LANGUAGE plpgsql;\n" +
               "UPDATE orders SET total = total * 1.1 WHERE id IN (SELECT oid FROM items WHERE qty > 3);\n/* block /* nested */ comment */\nDELETE FROM orders;\n" +
               fromCorpus;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DbAgent.sln"))) dir = dir.Parent;
        return dir?.FullName ?? TestContext.CurrentContext.TestDirectory;
    }

    private static readonly Gen<(int Position, int Delete, string Insert)> EditGen =
        Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[0, 12], Gen.Int[0, Snippets.Length - 1], Gen.Char["abc; '$()\n*/-"].Array[0, 4])
            .Select((pos, del, snippet, chars) => (pos, del, snippet % 3 == 0 ? new string(chars) : Snippets[snippet]));

    [TestCase(SqlDialect.Postgres)]
    [TestCase(SqlDialect.MySql)]
    [TestCase(SqlDialect.TSql)]
    [TestCase(SqlDialect.Sqlite)]
    public void Incremental_parse_equals_a_full_parse_after_random_edits(SqlDialect dialect)
    {
        var baseText = Corpus(dialect);
        EditGen.Array[1, 6].Sample(edits =>
        {
            var text = baseText;
            var script = SqlScript.Parse(SourceText.From(text), dialect);
            foreach (var (position, delete, insert) in edits)
            {
                var start = position % (text.Length + 1);
                var length = Math.Min(delete, text.Length - start);
                var change = new TextChange(new TextSpan(start, length), insert);
                var newText = SourceText.From(text).WithChange(change);
                script = script.WithChanges(newText, [change]);
                text = newText.Text;
                AssertSame(script, SqlScript.Parse(newText, dialect));
            }
        }, iter: 150);
    }

    [Test]
    public void An_edit_reuses_the_statements_it_did_not_touch()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => $"SELECT a{i} FROM t{i} WHERE id = {i};\n"));
        var script = SqlScript.Parse(SourceText.From(text), SqlDialect.Postgres);
        var builtBefore = script.Statements[97].Model;
        var builtAfter = script.Statements[151].Model;
        var at = text.IndexOf("t100", StringComparison.Ordinal);
        var change = new TextChange(new TextSpan(at, 4), "orders");
        var next = script.WithChanges(SourceText.From(text).WithChange(change), [change]);
        AssertSame(next, SqlScript.Parse(SourceText.From(text).WithChange(change), SqlDialect.Postgres));
        Assert.That(next.Statements[97], Is.SameAs(script.Statements[97]), "a statement before the edit whose model is built is kept as it is");
        Assert.That(next.Statements[97].Model, Is.SameAs(builtBefore));
        Assert.That(next.Statements[98], Is.SameAs(script.Statements[98]), "statements before the edit (but the one just before it) are kept as they are");
        Assert.That(next.Statements[150].Syntax.Tree, Is.SameAs(script.Statements[150].Syntax.Tree), "statements after the edit keep their trees");
        Assert.That(next.Statements[151].Model.Relations.Single().Span.Start, Is.EqualTo(builtAfter.Relations.Single().Span.Start + 2), "a built model after the edit is moved");
        Assert.That(next.Statements[150].Span.Start, Is.EqualTo(script.Statements[150].Span.Start + 2));
        Assert.That(next.Statements[100].Model.Relations.Single().Name.Name, Is.EqualTo("orders"));
    }

    // Found by a long random run: each edit's incremental result differed from a full parse.
    [TestCase("\n#%LL[1@!", 5, 3, "y:+\n", SqlDialect.MySql)] // no statement before the edit: split from the start
    [TestCase("'':DRC:R", 3, 3, ":", SqlDialect.MySql)] // ':R' after ':' is no parameter: resync after the change only
    public void Edits_found_by_random_runs_agree_with_full_parses(string text, int start, int length, string insert, SqlDialect dialect)
    {
        var change = new TextChange(new TextSpan(start, length), insert);
        var newText = SourceText.From(text).WithChange(change);
        AssertSame(SqlScript.Parse(text, dialect).WithChanges(newText, [change]), SqlScript.Parse(newText, dialect));
    }

    [Test]
    public void Models_are_bound_when_first_read_and_once_for_every_reader()
    {
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => $"SELECT a{i} FROM t{i} WHERE id = {i};\n"));
        var script = SqlScript.Parse(SourceText.From(text), SqlDialect.Postgres);
        Assert.That(script.Statements.Count(s => s.HasModel), Is.Zero, "parsing builds trees only");

        var models = new StatementModel[8];
        Parallel.For(0, models.Length, i => models[i] = script.Statements[7].Model);
        Assert.That(models.Distinct().Count(), Is.EqualTo(1), "concurrent readers get one model");
        Assert.That(models[0].Relations.Single().Name.Name, Is.EqualTo("t7"));
        Assert.That(script.Statements.Count(s => s.HasModel), Is.EqualTo(1));

        // An edit before statement 7 moves it; its model is bound in the new text, and matches a full parse.
        var change = new TextChange(new TextSpan(0, 0), "-- moved\n");
        var next = script.WithChanges(SourceText.From(text).WithChange(change), [change]);
        var full = SqlScript.Parse(SourceText.From(text).WithChange(change), SqlDialect.Postgres);
        Assert.That(next.Statements[8].HasModel, Is.False);
        Assert.That(next.Statements[8].Model.Relations.Single().Span, Is.EqualTo(full.Statements[8].Model.Relations.Single().Span));
        Assert.That(next.Statements[7].Model.Relations.Single().Span, Is.EqualTo(full.Statements[7].Model.Relations.Single().Span));
    }

    [Test]
    public void Opening_a_string_swallows_the_rest_and_closing_it_restores_it()
    {
        const string text = "SELECT 1;\nSELECT 2;\nSELECT 3;\n";
        var script = SqlScript.Parse(SourceText.From(text), SqlDialect.Postgres);
        var open = new TextChange(new TextSpan(7, 0), "'");
        var t1 = SourceText.From(text).WithChange(open);
        script = script.WithChanges(t1, [open]);
        AssertSame(script, SqlScript.Parse(t1, SqlDialect.Postgres));
        Assert.That(script.Statements, Has.Count.EqualTo(1));
        var close = new TextChange(new TextSpan(8, 0), "'");
        var t2 = t1.WithChange(close);
        script = script.WithChanges(t2, [close]);
        AssertSame(script, SqlScript.Parse(t2, SqlDialect.Postgres));
        Assert.That(script.Statements, Has.Count.EqualTo(3));
    }

    internal static void AssertSame(SqlScript actual, SqlScript expected)
    {
        Assert.That(actual.Tokens, Is.EqualTo(expected.Tokens), "tokens");
        Assert.That(actual.Errors, Is.EqualTo(expected.Errors), "errors");
        Assert.That(actual.Statements, Has.Count.EqualTo(expected.Statements.Count), "statement count");
        for (var i = 0; i < expected.Statements.Count; i++)
        {
            var a = actual.Statements[i];
            var e = expected.Statements[i];
            Assert.That(a.Slice, Is.EqualTo(e.Slice), $"slice {i}");
            Assert.That(a.HasSyntaxErrors, Is.EqualTo(e.HasSyntaxErrors), $"errors of {i}");
            Assert.That(Describe(a), Is.EqualTo(Describe(e)), $"model of statement {i}");
        }
    }

    private static string Describe(ParsedStatement s)
    {
        var m = s.Model;
        return string.Join("|",
            m.Kind, m.Span, m.KeywordSpan, m.HasWhere, m.WhereSpan, m.IsOpaque, m.Detail, m.Limit,
            string.Join(",", m.Relations.Select(r => $"{r.Name}/{r.Alias}/{r.Span}/{r.Role}/{r.IsCommonTableExpression}")),
            string.Join(",", m.Columns.Select(c => $"{c.Qualifier}.{c.Name}/{c.Span}/{c.Relation?.Span}")),
            string.Join(",", m.Predicates.Select(p => $"{p.Kind}/{p.Span}/{p.Column?.Span}/{p.OtherColumn?.Span}/{p.OrGroup}/{p.Clause}")),
            string.Join(",", m.OrderBy.Select(o => $"{o.Expression}/{o.Span}")),
            string.Join(",", m.Ddl.Select(d => $"{d.GetType().Name}/{d.Span}/{(d is DbAgent.Sql.Semantics.CreateTableAction t ? string.Join(";", t.Columns.Select(c => $"{c.Name} {c.DataType} {c.Span}")) : "")}")));
    }
}
