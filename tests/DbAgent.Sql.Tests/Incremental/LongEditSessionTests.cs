using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Tests.Incremental;

/// <summary>
/// Many edits in a row on a large document: the edited script shares its tokens with the scripts before it (pieces
/// moved by each edit), so this checks that the sharing stays exact over a long session, and through the point where
/// the pieces are merged back into one list.
/// </summary>
public class LongEditSessionTests
{
    [Test]
    public void Hundreds_of_chained_edits_on_a_large_script_equal_full_parses()
    {
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i =>
            $"CREATE TABLE t{i} (id int PRIMARY KEY, v text DEFAULT 'x');\nUPDATE t{i} SET v = 'y' WHERE id IN (SELECT id FROM t{i} WHERE v <> 'z');\n"));
        var random = new Random(7);
        const string alphabet = "abc_01 ,();\n'()";
        var source = SourceText.From(text);
        var script = SqlScript.Parse(source, SqlDialect.Postgres);
        for (var n = 0; n < 400; n++)
        {
            var change = RandomEdit(random, source, alphabet);
            source = source.WithChange(change);
            script = script.WithChanges(source, [change]);
            if (n % 25 == 24 || n >= 390) IncrementalParseTests.AssertSame(script, SqlScript.Parse(source, SqlDialect.Postgres));
        }
        Assert.That(script.Tokens[^1].End, Is.EqualTo(source.Text.Length), "the last token ends the document");
    }

    private static TextChange RandomEdit(Random random, SourceText source, string alphabet)
    {
        var at = random.Next(source.Length);
        return random.Next(3) switch
        {
            0 => new TextChange(new TextSpan(at, 0), alphabet[random.Next(alphabet.Length)].ToString()),
            1 => new TextChange(new TextSpan(at, Math.Min(1 + random.Next(3), source.Length - at)), ""),
            _ => new TextChange(new TextSpan(at, Math.Min(1, source.Length - at)), alphabet[random.Next(alphabet.Length)].ToString()),
        };
    }

    /// <summary>
    /// The same on a text in pieces, as edits leave one: lexing, parsing and binding read windows of it (copies where a
    /// statement crosses a seam; small pieces here, so that many do), a quote re-lexes over ever wider windows, and none
    /// of it makes the whole string of the document.
    /// </summary>
    [TestCase(64)]
    [TestCase(SourceText.ChunkTarget)]
    public void Chained_edits_on_a_text_in_pieces_equal_full_parses_and_never_make_the_whole_string(int piece)
    {
        var text = string.Concat(Enumerable.Range(0, 1500).Select(i =>
            $"-- step {i}\nCREATE TABLE t{i} (id int PRIMARY KEY, v text DEFAULT 'x');\nUPDATE t{i} SET v = $$y$$ WHERE id IN (SELECT id FROM t{i} WHERE v::text <> 'z');\n"));
        var random = new Random(11);
        const string alphabet = "abc_01 ,();\n'()$-:";
        var source = SourceText.InPieces(text, piece);
        var script = SqlScript.Parse(SourceText.From(text), SqlDialect.Postgres);
        for (var n = 0; n < 150; n++)
        {
            var change = RandomEdit(random, source, alphabet);
            source = source.WithChange(change);
            script = script.WithChanges(source, [change]);
            if (n % 10 != 9) continue;
            foreach (var statement in script.Statements) _ = statement.Model;
            Assert.That(source.HasWholeString, Is.False, $"edit {n}: parsing and binding made the whole string");
            IncrementalParseTests.AssertSame(script, SqlScript.Parse(SourceText.From(source.ToString(new TextSpan(0, source.Length))), SqlDialect.Postgres));
        }
    }

    /// <summary>An edit's record says which statements it kept: the same objects before the edit, the same trees after it, moved by its length.</summary>
    [Test]
    public void An_edits_record_names_the_statements_it_kept()
    {
        var text = string.Concat(Enumerable.Range(0, 300).Select(i => $"SELECT {i} FROM t{i};\nUPDATE t{i} SET v = 'y';\n"));
        var random = new Random(3);
        var source = SourceText.From(text);
        var script = SqlScript.Parse(source, SqlDialect.Postgres);
        for (var n = 0; n < 300; n++)
        {
            var change = RandomEdit(random, source, "ab ;\n'(");
            source = source.WithChange(change);
            var next = script.WithChanges(source, [change]);
            var edit = next.Edit!;
            Assert.That(edit.From, Is.SameAs(script.Version));
            Assert.That(edit.Kept + edit.After, Is.LessThanOrEqualTo(Math.Min(script.Statements.Count, next.Statements.Count)));
            Assert.That(edit.Delta, Is.EqualTo(change.NewText.Length - change.Span.Length));
            // Outside the changed stretch, the new text is the old one (moved by the edit's length after it).
            var (oldText, newText) = (script.Text.ToString(new TextSpan(0, script.Text.Length)), source.ToString(new TextSpan(0, source.Length)));
            Assert.That(newText[..edit.Changed.Start], Is.EqualTo(oldText[..edit.Changed.Start]), $"edit {n}: before the change");
            Assert.That(newText[edit.Changed.End..], Is.EqualTo(oldText[(edit.Changed.End - edit.Delta)..]), $"edit {n}: after the change");
            for (var i = 0; i < edit.Kept; i++) Assert.That(next.Statements[i], Is.SameAs(script.Statements[i]), $"edit {n}: kept statement {i}");
            for (var k = 1; k <= edit.After; k++)
            {
                var (now, before) = (next.Statements[^k], script.Statements[^k]);
                Assert.That(now.TreeIdentity, Is.SameAs(before.TreeIdentity), $"edit {n}: statement {k} from the end");
                Assert.That(now.Span.Start, Is.EqualTo(before.Span.Start + edit.Delta));
            }
            script = next;
        }
        Assert.That(SqlScript.Parse(source, SqlDialect.Postgres).Edit, Is.Null, "a parse from scratch has no edit");
    }

    /// <summary>A MySQL DELIMITER line typed into a text in pieces (the word across seams) is found, and the edit parses as the whole file does.</summary>
    [Test]
    public void A_delimiter_line_typed_across_the_seams_of_a_text_in_pieces_parses_as_the_whole_file()
    {
        const string text = "SELECT 1;\nCREATE PROCEDURE p() BEGIN SELECT 2; END;\nSELECT 3;\n";
        var source = SourceText.InPieces(text, 4);
        var script = SqlScript.Parse(SourceText.From(text), SqlDialect.MySql);
        const string typed = "DELIMITER //\n";
        var at = text.IndexOf("CREATE", StringComparison.Ordinal);
        for (var i = 0; i < typed.Length; i++)
        {
            var change = new TextChange(new TextSpan(at + i, 0), typed[i].ToString());
            source = source.WithChange(change);
            script = script.WithChanges(source, [change]);
            IncrementalParseTests.AssertSame(script, SqlScript.Parse(SourceText.From(source.ToString(new TextSpan(0, source.Length))), SqlDialect.MySql));
        }
        Assert.That(script.Tokens.Any(t => t.Kind == DbAgent.Sql.Lexing.TokenKind.DelimiterCommand), Is.True);
    }
}
