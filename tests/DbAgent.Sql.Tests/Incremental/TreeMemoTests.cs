using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Tests.Incremental;

/// <summary>Per-statement caches keep what they know of a tree in its memo: every version that shares the tree shares it.</summary>
public class TreeMemoTests
{
    [Test]
    public void A_statement_an_edit_moved_shares_its_memo_and_the_statement_it_changed_gets_a_new_one()
    {
        var script = SqlScript.Parse("SELECT 1;\nUPDATE t SET a = 1 WHERE id = 2;\nDELETE FROM u WHERE id = 3;\n", SqlDialect.Postgres);
        // Any slot will do on statements no cache has seen (reserving one here could starve the caches of this process).
        const int slot = TreeMemo.Capacity - 1;
        foreach (var statement in script.Statements) statement.Memo.Set(slot, statement.Span.Start);

        // An edit inside the first statement: the other two move (new objects over the same trees).
        var change = new TextChange(new TextSpan(7, 1), "42");
        var edited = script.WithChanges(script.Text.WithChange(change), [change]);
        Assert.That(edited.Statements[1], Is.Not.SameAs(script.Statements[1]), "the statement moved");
        Assert.That(edited.Statements[1].Memo, Is.SameAs(script.Statements[1].Memo));
        Assert.That(edited.Statements[2].Memo.Get(slot), Is.EqualTo(script.Statements[2].Span.Start));
        Assert.That(edited.Statements[0].Memo, Is.Not.SameAs(script.Statements[0].Memo), "the edited statement has a new tree");
        Assert.That(edited.Statements[0].Memo.Get(slot), Is.Null);
    }
}
