using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Tests.Rules;

/// <summary>What a script says as a whole, and what an edit lets the next analysis take over.</summary>
public class ScriptFactsTests
{
    private const string Migration = """
        ALTER TABLE a ADD COLUMN x int;
        CREATE TABLE a (id bigint);
        BEGIN;
        CREATE INDEX a_x ON a (x);
        SELECT * FROM a LIMIT 10;
        COMMIT;
        """;

    private static SqlScript Edit(SqlScript script, string find, string replace)
    {
        var at = script.Text.ToString().IndexOf(find, StringComparison.Ordinal);
        var change = new TextChange(new TextSpan(at, find.Length), replace);
        return script.WithChanges(script.Text.WithChange(change), [change]);
    }

    [Test]
    public void A_table_is_new_after_the_statement_that_creates_it_and_locking_it_is_harmless()
    {
        var script = SqlScript.Parse(Migration, SqlDialect.Postgres);
        var facts = new ScriptFacts(script);
        var a = QualifiedName.Parse("a");
        Assert.That(facts.LocksNewTable(0), Is.False, "ALTER before the CREATE: a exists");
        Assert.That(facts.LocksNewTable(3), Is.True, "CREATE INDEX after it");
        Assert.That(facts.IsNewTable(a, script.Statements[1].Span.Start), Is.False, "not before its own CREATE starts");
        Assert.That(facts.IsNewTable(a, script.Statements[1].Span.Start + 1), Is.True);
        Assert.That(facts.IsNewTable(QualifiedName.Parse("b"), script.Text.Length), Is.False);
        Assert.That(Enumerable.Range(0, script.Statements.Count).Select(facts.InTransactionBlock), Is.EqualTo(new[] { false, false, false, true, true, false }));
    }

    [Test]
    public void An_edit_that_changes_no_statements_summary_takes_the_conclusions_over_and_one_that_does_not()
    {
        var script = SqlScript.Parse(Migration, SqlDialect.Postgres);
        var first = new ScriptFacts(script).Conclusions;

        var inSelect = Edit(script, "LIMIT 10", "LIMIT 20");
        var second = new ScriptFacts(inSelect, previous: first);
        Assert.That(second.Conclusions.Derived, Is.SameAs(first.Derived));
        Assert.That(second.LocksNewTable(3), Is.True);

        // Another table altered: the statements summarise differently, but create the same tables at the same places.
        var otherAlter = Edit(inSelect, "ALTER TABLE a", "ALTER TABLE c");
        var altered = new ScriptFacts(otherAlter, previous: second.Conclusions);
        Assert.That(altered.Conclusions.Derived, Is.Not.SameAs(first.Derived));
        Assert.That(altered.CreatedTables, Is.SameAs(second.CreatedTables), "the map of created tables is taken over");
        Assert.That(altered.LocksNewTable(0), Is.False);

        var renamed = Edit(inSelect, "CREATE TABLE a", "CREATE TABLE b");
        var third = new ScriptFacts(renamed, previous: second.Conclusions);
        Assert.That(third.Conclusions.Derived, Is.Not.SameAs(first.Derived));
        Assert.That(third.CreatedTables, Is.Not.SameAs(second.CreatedTables));
        Assert.That(third.LocksNewTable(3), Is.False, "a is no longer created before its index");
        Assert.That(third.IsNewTable(QualifiedName.Parse("b"), renamed.Text.Length), Is.True);

        var otherChange = new ScriptFacts(renamed, new HashSet<string> { "a" }, previous: third.Conclusions);
        Assert.That(otherChange.LocksNewTable(3), Is.True, "a table another migration of the change creates is new too");
    }

    [Test]
    public void After_an_edit_the_summaries_of_the_statements_it_kept_are_carried_over_and_equal_fresh_ones()
    {
        var script = SqlScript.Parse(Migration + "\nSET lock_timeout = '1s';\nCREATE TABLE z (id int);\n", SqlDialect.Postgres);
        var first = new ScriptFacts(script).Conclusions;
        var edited = Edit(script, "LIMIT 10", "LIMIT 100");
        var carried = new ScriptFacts(edited, previous: first).Conclusions;
        var edit = edited.Edit!;
        Assert.That(edit.Kept + edit.After, Is.LessThan(edited.Statements.Count), "the edit made a statement new");
        for (var i = 0; i < edit.Kept; i++) Assert.That(carried.Summaries[i], Is.SameAs(first.Summaries[i]), $"kept statement {i}");
        for (var k = 1; k <= edit.After; k++) Assert.That(carried.Summaries[^k], Is.SameAs(first.Summaries[^k]), $"statement {k} from the end");
        // The same as summarising every statement afresh (nothing remembered, nothing carried).
        var fresh = new ScriptFacts(edited, remember: false).Conclusions;
        Assert.That(carried.Summaries.Select(Describe), Is.EqualTo(fresh.Summaries.Select(Describe)));

        // Conclusions of another version (not the one the edit was made from) are not carried by index: here they would
        // still say the second statement creates a.
        var renamed = Edit(edited, "CREATE TABLE a", "CREATE TABLE b");
        var other = Edit(renamed, "LIMIT 100", "LIMIT 7");
        Assert.That(other.Edit!.Kept, Is.GreaterThan(1));
        var stale = new ScriptFacts(other, previous: first).Conclusions;
        Assert.That(stale.Summaries.Select(Describe), Is.EqualTo(new ScriptFacts(other, remember: false).Conclusions.Summaries.Select(Describe)));
        Assert.That(Describe(stale.Summaries[1]), Does.Contain("[b]"));
    }

    [Test]
    public void Over_random_edits_what_is_taken_over_answers_as_facts_worked_out_afresh()
    {
        // Each line one statement, each edit one line swapped for another of its choices: the statements stay where they
        // are, and most edits create the same tables (the conclusions are then partly taken over, partly worked out).
        string[][] choices =
        [
            ["CREATE TABLE a (id int);", "CREATE TABLE a (id int, x int);"],
            ["ALTER TABLE a ADD COLUMN y int;", "ALTER TABLE b ADD COLUMN y int;", "SELECT 1;", "SET lock_timeout = '2s';"],
            ["BEGIN;", "SELECT 2;", "COMMIT;"],
            ["CREATE INDEX i1 ON b (x);", "CREATE INDEX i1 ON a (x);", "SET statement_timeout = '1min';", "SET work_mem = '4MB';"],
            ["CREATE TABLE c (id int);", "CREATE TABLE d (id int);"],
            ["ALTER TABLE c ALTER COLUMN id SET NOT NULL;", "ALTER TABLE e ALTER COLUMN id SET NOT NULL;", "SELECT 3;"],
            ["COMMIT;", "SELECT 4;", "BEGIN;"],
            ["ALTER TABLE d ADD COLUMN z int;", "ALTER TABLE a ADD COLUMN z int;", "ALTER TABLE f ADD COLUMN z int;"],
        ];
        var random = new Random(5);
        var picked = choices.Select(_ => 0).ToArray();
        var script = SqlScript.Parse(string.Join("\n", choices.Select(c => c[0])), SqlDialect.Postgres);
        var facts = new ScriptFacts(script);
        var rederived = 0;
        for (var round = 0; round < 400; round++)
        {
            var line = random.Next(choices.Length);
            var next = random.Next(choices[line].Length);
            if (next == picked[line]) continue;
            var at = script.Text.GetLineStart(line);
            var change = new TextChange(new TextSpan(at, choices[line][picked[line]].Length), choices[line][next]);
            picked[line] = next;
            script = script.WithChanges(script.Text.WithChange(change), [change]);
            var previous = facts;
            // What the rules ask of the previous version first, as they do: answers worked out lazily are taken over too.
            previous.FirstLockWithoutTimeout();
            facts = new ScriptFacts(script, previous: previous.Conclusions);
            if (!ReferenceEquals(facts.Conclusions.Derived, previous.Conclusions.Derived) && ReferenceEquals(facts.CreatedTables, previous.CreatedTables)) rederived++;
            var fresh = new ScriptFacts(script, remember: false);
            var count = script.Statements.Count;
            Assert.That(Enumerable.Range(0, count).Select(facts.InTransactionBlock), Is.EqualTo(Enumerable.Range(0, count).Select(fresh.InTransactionBlock)), $"round {round}: transaction blocks");
            Assert.That(Enumerable.Range(0, count).Select(facts.LocksNewTable), Is.EqualTo(Enumerable.Range(0, count).Select(fresh.LocksNewTable)), $"round {round}: new tables locked");
            Assert.That(facts.FirstLockWithoutTimeout(), Is.EqualTo(fresh.FirstLockWithoutTimeout()), $"round {round}: {script.Text}");
        }
        Assert.That(rederived, Is.GreaterThan(100), "most edits kept the tables created and changed what else the statements say");
    }

    private static string Describe(ScriptFacts.StatementSummary s) =>
        $"{s.Kind} {s.Detail} [{string.Join(",", s.Created.Select(c => c.ToString()))}] {s.Locked} {s.SetsTimeout}";

    [Test]
    public void The_first_lock_without_a_timeout_is_the_first_statement_locking_an_existing_table_before_any_timeout_is_set()
    {
        Assert.That(new ScriptFacts(SqlScript.Parse(Migration, SqlDialect.Postgres)).FirstLockWithoutTimeout(), Is.EqualTo(0), "ALTER TABLE a, before a is created");
        var newOnly = SqlScript.Parse("CREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);\nALTER TABLE b ADD COLUMN y int;\n", SqlDialect.Postgres);
        Assert.That(new ScriptFacts(newOnly).FirstLockWithoutTimeout(), Is.EqualTo(2), "the index is on a new table; b exists");
        var timed = SqlScript.Parse("SET lock_timeout = '5s';\n" + Migration, SqlDialect.Postgres);
        Assert.That(new ScriptFacts(timed).FirstLockWithoutTimeout(), Is.EqualTo(-1));
        // Taken over with the conclusions, and answered the same.
        var first = new ScriptFacts(newOnly);
        Assert.That(first.FirstLockWithoutTimeout(), Is.EqualTo(2));
        Assert.That(new ScriptFacts(Edit(newOnly, "y int", "z int"), previous: first.Conclusions).FirstLockWithoutTimeout(), Is.EqualTo(2));
    }
}
