using System.Runtime.CompilerServices;
using DbAgent.Analysis.Pipeline;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Tests.Pipeline;

/// <summary>The engine's grammar over each statement, carried from version to version by an edit's record.</summary>
public class ExactSyntaxErrorsTests
{
    private const string Migration = """
        CREATE TABLE a (id int,);
        SELECT 1;
        CREATE TABLE b (id int);
        ALTER TABLE b ADD COLUMN c int,;
        SELECT 2;
        """;

    private static SqlScript Edit(SqlScript script, string find, string replace)
    {
        var at = script.Text.ToString().IndexOf(find, StringComparison.Ordinal);
        var change = new TextChange(new TextSpan(at, find.Length), replace);
        return script.WithChanges(script.Text.WithChange(change), [change]);
    }

    private static IReadOnlyList<SyntaxError> Find(SqlScript script, StrongBox<ExactSyntaxErrors.Carried?>? carried = null) =>
        ExactSyntaxErrors.Find(script, false, null, out _, CancellationToken.None, carried);

    [Test]
    public void After_an_edit_the_results_of_the_statements_it_kept_are_carried_and_equal_a_check_from_scratch()
    {
        if (ExactSyntaxErrors.Validators.For(SqlDialect.Postgres) is not { IsAvailable: true })
            Assert.Ignore("libpg_query is not available on this machine: the engine check has nothing to carry.");
        var carried = new StrongBox<ExactSyntaxErrors.Carried?>();
        var script = SqlScript.Parse(Migration, SqlDialect.Postgres);
        var first = Find(script, carried);
        Assert.That(first, Has.Count.EqualTo(2), "an error in each broken statement");
        Assert.That(script.StatementAt(first[0].Span.Start)!.Span.Start, Is.EqualTo(script.Statements[0].Span.Start));
        Assert.That(script.StatementAt(first[1].Span.Start)!.Span.Start, Is.EqualTo(script.Statements[3].Span.Start));
        Assert.That(carried.Value, Is.Not.Null);

        // An edit in the middle: the first statement's result is taken by index, and what is found equals a check of
        // the new version from scratch (errors moved with their statements).
        var edited = Edit(script, "SELECT 2", "SELECT 20");
        Assert.That(edited.Edit!.Kept, Is.GreaterThan(0));
        Assert.That(Find(edited, carried), Is.EqualTo(Find(edited)));

        // A fix of the first statement: its result is not carried.
        var fixedFirst = Edit(edited, "(id int,)", "(id int)");
        Assert.That(Find(fixedFirst, carried), Is.EqualTo(Find(fixedFirst)));
        Assert.That(Find(fixedFirst).Count, Is.EqualTo(first.Count - 1));

        // Results of another version (not the one the edit was made from) are not carried by index: here they would
        // say the first statement is fine after it broke again.
        var stale = new StrongBox<ExactSyntaxErrors.Carried?>();
        Find(fixedFirst, stale);
        var brokenAgain = Edit(fixedFirst, "(id int)", "(id int,)");
        var later = Edit(brokenAgain, "SELECT 20", "SELECT 3");
        Assert.That(later.Edit!.Kept, Is.GreaterThan(0));
        Assert.That(Find(later, stale), Is.EqualTo(Find(later)).And.Count.EqualTo(2));
    }
}
