using System.Text;
using CsCheck;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Tests.Robustness;

public class RobustnessTests
{
    private static readonly SqlDialect[] Dialects = Enum.GetValues<SqlDialect>();

    /// <summary>The invariants every parse keeps, whatever the input: statements in order, inside the text, trees spanning them.</summary>
    private static void AssertWellFormed(SqlScript script)
    {
        var previousEnd = 0;
        foreach (var s in script.Statements)
        {
            Assert.That(s.Span.Start, Is.GreaterThanOrEqualTo(previousEnd));
            Assert.That(s.Span.End, Is.LessThanOrEqualTo(script.Text.Length));
            Assert.That(s.Syntax.Span, Is.EqualTo(s.Span));
            Assert.That(s.Model.Span, Is.EqualTo(s.Span));
            previousEnd = s.Span.End;
        }
        foreach (var e in script.Errors) Assert.That(e.Span.End, Is.LessThanOrEqualTo(script.Text.Length));
    }

    [Test]
    public void Hundred_thousand_nested_parentheses()
    {
        var text = "SELECT " + new string('(', 100_000) + "1" + new string(')', 100_000) + " FROM t WHERE a = " + new string('(', 100_000) + "SELECT 1";
        foreach (var dialect in Dialects)
        {
            var script = SqlScript.Parse(text, dialect);
            AssertWellFormed(script);
            Assert.That(script.Statements.Single().Model.Relations.Select(r => r.Name.Name), Does.Contain("t"));
        }
    }

    [TestCase("(SELECT ")]
    [TestCase("NOT ")]
    [TestCase("- ")]
    [TestCase("CASE WHEN ")]
    [TestCase("f(")]
    [TestCase("ARRAY[")]
    [TestCase("EXISTS (SELECT 1 FROM t WHERE ")]
    public void Deeply_nested_constructs_do_not_overflow_the_stack(string opener)
    {
        var text = "SELECT * FROM a WHERE " + string.Concat(Enumerable.Repeat(opener, 50_000)) + "x";
        var script = SqlScript.Parse(text, SqlDialect.Postgres);
        AssertWellFormed(script);
    }

    [Test]
    public void Long_postfix_and_operator_chains_are_flat_enough()
    {
        var casts = "SELECT * FROM t WHERE a" + string.Concat(Enumerable.Repeat("::int", 100_000)) + " = 1";
        AssertWellFormed(SqlScript.Parse(casts, SqlDialect.Postgres));
        var sums = "SELECT " + string.Join(" + ", Enumerable.Repeat("a * b", 100_000)) + " FROM t";
        AssertWellFormed(SqlScript.Parse(sums, SqlDialect.Postgres));
        var ors = "SELECT * FROM t WHERE " + string.Join(" OR ", Enumerable.Range(0, 50_000).Select(i => $"a = {i}"));
        var script = SqlScript.Parse(ors, SqlDialect.Postgres);
        Assert.That(script.Statements.Single().Model.Predicates, Has.Count.EqualTo(50_000));
    }

    [Test]
    public void A_twenty_megabyte_file()
    {
        var chunk = "INSERT INTO orders (id, note) VALUES (1, 'it''s; fine'), (2, $$x$$);\nSELECT o.id, sum(i.qty) FROM orders o JOIN items i ON i.oid = o.id WHERE o.note LIKE 'a%' GROUP BY o.id ORDER BY 2 DESC LIMIT 10;\n/* c */ UPDATE orders SET note = NULL WHERE id = 3;\n";
        var sb = new StringBuilder(21_000_000);
        while (sb.Length < 20_000_000) sb.Append(chunk);
        var script = SqlScript.Parse(sb.ToString(), SqlDialect.Postgres);
        Assert.That(script.Statements.Count, Is.GreaterThan(100_000));
        Assert.That(script.Statements.All(s => !s.HasSyntaxErrors), Is.True);
        Assert.That(script.Errors, Is.Empty);
    }

    [Test]
    public void Random_bytes_decoded_as_utf8_never_crash()
    {
        Gen.Byte.Array[0, 3000].Sample(bytes =>
        {
            var text = Encoding.UTF8.GetString(bytes); // invalid sequences become U+FFFD
            foreach (var dialect in Dialects) AssertWellFormed(SqlScript.Parse(text, dialect));
        }, iter: 300);
    }

    [Test]
    public void Random_sql_shaped_text_never_crashes_and_edits_agree_with_full_parses()
    {
        var alphabet = Gen.Char["SELECTFROMWHEREJOINONANDORNULL abcxyz019 ()[]{},.;:'\"`$#@?-+*/<>=!\\\n\t_%&|^~"];
        Gen.Select(alphabet.Array[0, 400], Gen.Int[0, 400], alphabet.Array[0, 8]).Sample((chars, at, insert) =>
        {
            var text = new string(chars);
            foreach (var dialect in Dialects)
            {
                var script = SqlScript.Parse(text, dialect);
                AssertWellFormed(script);
                var start = at % (text.Length + 1);
                var change = new TextChange(new TextSpan(start, Math.Min(3, text.Length - start)), new string(insert));
                var newText = SourceText.From(text).WithChange(change);
                Incremental.IncrementalParseTests.AssertSame(script.WithChanges(newText, [change]), SqlScript.Parse(newText, dialect));
            }
        }, iter: 300);
    }

    [TestCase("SELECT 'abc", SqlDialect.Postgres)]
    [TestCase("SELECT E'abc\\'", SqlDialect.Postgres)]
    [TestCase("SELECT $$abc", SqlDialect.Postgres)]
    [TestCase("SELECT $tag$abc $tag", SqlDialect.Postgres)]
    [TestCase("SELECT \"abc", SqlDialect.Postgres)]
    [TestCase("SELECT U&'abc", SqlDialect.Postgres)]
    [TestCase("SELECT /* abc /* def */", SqlDialect.Postgres)]
    [TestCase("SELECT `abc", SqlDialect.MySql)]
    [TestCase("SELECT 'abc\\", SqlDialect.MySql)]
    [TestCase("SELECT \"abc", SqlDialect.MySql)]
    [TestCase("SELECT [abc", SqlDialect.TSql)]
    [TestCase("SELECT N'abc", SqlDialect.TSql)]
    [TestCase("SELECT /* abc", SqlDialect.Sqlite)]
    [TestCase("SELECT X'0A", SqlDialect.Sqlite)]
    public void Unterminated_forms_give_one_certain_error_and_a_statement(string text, SqlDialect dialect)
    {
        var script = SqlScript.Parse(text + "\nFROM t; SELECT 2;", dialect);
        AssertWellFormed(script);
        Assert.That(script.Errors.Count(e => e.Message.StartsWith("Unterminated", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(script.Statements, Has.Count.EqualTo(1));
    }

    // Parse time against input size on these pathological inputs is a benchmark now: `-- scaling` in
    // tests/DbAgent.Benchmarks (a timed unit test failed on a loaded machine).
}
