using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Tests.Incremental;

/// <summary>What an edit re-parses away comes back as it was when a later edit restores its text.</summary>
public class DroppedTreesTests
{
    private static string Migration(int tables) => string.Concat(Enumerable.Range(0, tables).Select(i =>
        $"CREATE TABLE t{i} (id bigint, status text DEFAULT 'new');\nUPDATE t{i} SET status = 'done' WHERE id = {i};\n"));

    /// <summary>A migration, and the same with a quote typed into a string half-way down (which turns the rest into strings).</summary>
    private static (SqlScript Script, int At, TextChange Quote, SqlScript Inside) QuoteTypedMidFile()
    {
        var text = Migration(200);
        var script = SqlScript.Parse(text, SqlDialect.Postgres);
        var at = text.IndexOf("'done'", text.Length / 2, StringComparison.Ordinal) + 2;
        var quote = new TextChange(new TextSpan(at, 0), "'");
        return (script, at, quote, script.WithChanges(script.Text.WithChange(quote), [quote]));
    }

    [Test]
    public void A_quote_typed_and_closed_gives_the_rest_of_the_file_its_trees_back()
    {
        var (script, at, quote, inside) = QuoteTypedMidFile();
        Assert.That(inside.Statements.Count, Is.LessThan(script.Statements.Count), "the quote turned the rest of the file into strings");

        // A second quote closes the first: the text is not the first version's, but all after the edit lexes as it did.
        var close = new TextChange(new TextSpan(at + 1, 0), "'");
        var back = inside.WithChanges(inside.Text.WithChange(close), [close]);
        IncrementalParseTests.AssertSame(back, SqlScript.Parse(back.Text, SqlDialect.Postgres));
        var same = back.Statements.Zip(script.Statements).Count(p => ReferenceEquals(p.First.TreeIdentity, p.Second.TreeIdentity));
        // All but the statement the quotes went into and the one before it (re-parsed from where the edit restarted).
        Assert.That(same, Is.GreaterThanOrEqualTo(script.Statements.Count - 3));
    }

    [Test]
    public void A_quote_deleted_again_restores_the_version_before_it_whole_and_typed_again_the_one_after()
    {
        var (script, at, quote, inside) = QuoteTypedMidFile();
        var undo = new TextChange(new TextSpan(at, 1), "");
        var back = inside.WithChanges(inside.Text.WithChange(undo), [undo]);

        IncrementalParseTests.AssertSame(back, SqlScript.Parse(back.Text, SqlDialect.Postgres));
        Assert.That(back.Statements, Is.EqualTo(script.Statements).Using<ParsedStatement>(ReferenceEquals), "the very statements of the version before the quote");
        Assert.That(back.Tokens, Is.SameAs(script.Tokens));
        // What it shares with the version it was made from, for the analyses that carry their results by index.
        var edit = back.Edit!;
        Assert.That(edit.From, Is.SameAs(inside.Version));
        Assert.That(edit.Kept, Is.EqualTo(inside.Statements.TakeWhile((s, i) => ReferenceEquals(s, script.Statements[i])).Count()).And.GreaterThan(0));
        Assert.That(edit.After, Is.Zero, "the quote changed every statement after it");
        Assert.That(back.IsEditOf(inside.Version, inside.Statements.Count), Is.True);

        // The quote typed again (a redo): the version with it, whole.
        var again = back.WithChanges(back.Text.WithChange(quote), [quote]);
        Assert.That(again.Statements, Is.EqualTo(inside.Statements).Using<ParsedStatement>(ReferenceEquals));
        IncrementalParseTests.AssertSame(again, SqlScript.Parse(again.Text, SqlDialect.Postgres));

        // A small edit keeps no version before it: its undo is parsed as an edit (and still equals a parse).
        var letter = new TextChange(new TextSpan(at + 1, 0), "x");
        var typed = again.WithChanges(again.Text.WithChange(letter), [letter]);
        var removed = typed.WithChanges(typed.Text.WithChange(new TextChange(new TextSpan(at + 1, 1), "")), [new TextChange(new TextSpan(at + 1, 1), "")]);
        IncrementalParseTests.AssertSame(removed, SqlScript.Parse(removed.Text, SqlDialect.Postgres));
        Assert.That(removed.Tokens, Is.Not.SameAs(again.Tokens));
    }

    [Test]
    public void A_statement_is_given_its_old_tree_only_for_exactly_its_text_and_once()
    {
        var dropped = new DroppedTrees();
        var script = SqlScript.Parse("SELECT 1;\nSELECT 2;\n:x;\n", SqlDialect.Postgres);
        dropped.Remember(script.Text, script.Statements, 0, script.Statements.Count);
        Assert.That(dropped.TryTake("SELECT 3", out _, out _, out _), Is.False);
        Assert.That(dropped.TryTake("SELECT 2", out var tree, out _, out _), Is.True);
        Assert.That(tree, Is.SameAs(script.Statements[1].TreeIdentity));
        Assert.That(dropped.TryTake("SELECT 2", out _, out _, out _), Is.False, "taken once");
        Assert.That(dropped.TryTake(":x", out _, out _, out _), Is.False, "a ':' first lexes by the character before it");
    }

    [Test]
    public void What_is_remembered_stays_bounded_over_many_edits()
    {
        var text = Migration(2000);
        var script = SqlScript.Parse(text, SqlDialect.Postgres);
        var random = new Random(3);
        for (var k = 0; k < 200; k++)
        {
            var at = random.Next(script.Text.Length);
            var change = new TextChange(new TextSpan(at, 0), k % 10 == 0 ? "'" : ";");
            script = script.WithChanges(script.Text.WithChange(change), [change]);
        }
        IncrementalParseTests.AssertSame(script, SqlScript.Parse(script.Text, SqlDialect.Postgres));
        var (statements, stretches, characters) = script.DroppedSize;
        Assert.That(statements, Is.GreaterThan(0));
        Assert.That(stretches, Is.LessThanOrEqualTo(DroppedTrees.MaxStretches));
        Assert.That(characters, Is.LessThanOrEqualTo(DroppedTrees.MaxCharacters));
    }
}
