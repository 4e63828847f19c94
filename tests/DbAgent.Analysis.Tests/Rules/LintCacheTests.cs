using CsCheck;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Tests.Rules;

/// <summary>The editor's per-document cache: an edit re-runs the rules only on what it touched, and changes nothing else.</summary>
public class LintCacheTests
{
    private const string Script = """
        DELETE FROM orders;
        UPDATE customers SET name = 'x' WHERE id = 1;
        -- dbagent-ignore update-without-where
        UPDATE accounts SET balance = 0;
        UPDATE products SET price = 0;
        SELECT * FROM orders WHERE id = 1;
        """;

    /// <summary>What a user sees of a finding (Data is a dictionary, which records compare by reference).</summary>
    private static (string, FindingSeverity, string, TextSpan, string) Shown(Finding f) =>
        (f.RuleId, f.Severity, f.Message, f.Span, string.Join(";", f.Data.OrderBy(d => d.Key).Select(d => $"{d.Key}={d.Value}")));

    private static string Fixes(Finding f) =>
        string.Join(" | ", f.Fixes.Select(x => x.Title + ": " + string.Join(", ", x.Edits.Select(e => $"{e.Span}={e.NewText}"))));

    /// <summary>A rule that counts the statements it is asked about and flags every DELETE.</summary>
    private sealed class CountingRule : ILintRule
    {
        public int Calls;
        public RuleDescriptor Descriptor => CoreRules.DeleteWithoutWhere;

        public IEnumerable<Finding> Analyze(LintContext context)
        {
            Calls++;
            if (context.Model.Kind == Sql.Semantics.StatementKind.Delete) yield return context.Report(Descriptor, context.Model.Span);
        }
    }

    [Test]
    public void An_edit_runs_the_rules_again_only_on_the_statements_whose_tree_it_changed()
    {
        // Forty statements; the edit lands in the middle, away from quotes (a quote re-lexes the rest of the file).
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => i % 10 == 0 ? $"DELETE FROM t{i};\n" : $"UPDATE t{i} SET a = 1 WHERE id = {i};\n"));
        var rule = new CountingRule();
        var cache = new LintCache();
        var script = SqlScript.Parse(text, SqlDialect.Postgres);
        var first = Linter.Run(script, rules: [rule], cache: cache).Findings;
        Assert.That(rule.Calls, Is.EqualTo(40));

        var at = text.IndexOf("SET a = 1 WHERE id = 21;", StringComparison.Ordinal) + 4;
        Assert.That(at, Is.GreaterThan(4));
        var change = new TextChange(new TextSpan(at, 0), "b = 2, ");
        var edited = script.WithChanges(script.Text.WithChange(change), [change]);
        var rebuilt = edited.Statements.Count(s => !script.Statements.Any(o => ReferenceEquals(o.TreeIdentity, s.TreeIdentity)));
        // A statement parsed again with the text it had is answered from its text: only new texts meet the rules.
        var newTexts = edited.Statements.Count(s => !script.Statements.Any(o => script.Text.ToString(o.Span) == edited.Text.ToString(s.Span)));
        rule.Calls = 0;
        var second = Linter.Run(edited, rules: [rule], cache: cache).Findings;

        Assert.That(rebuilt, Is.InRange(1, 4), "the parser keeps the trees of the statements the edit did not touch");
        Assert.That(newTexts, Is.EqualTo(1));
        Assert.That(rule.Calls, Is.EqualTo(newTexts), "the rules see only the statements with a new text");
        Assert.That(second, Has.Count.EqualTo(first.Count));
        Assert.That(second.Select(f => edited.Text.ToString(f.Span)), Is.EqualTo(first.Select(f => script.Text.ToString(f.Span))),
            "the reused findings moved with their statements");
    }

    [Test]
    public void Findings_after_a_reused_statement_move_with_the_edit()
    {
        var cache = new LintCache();
        var script = SqlScript.Parse(Script, SqlDialect.Postgres);
        Linter.Run(script, cache: cache);
        var change = new TextChange(new TextSpan(0, 0), "SELECT 1;\n");
        var edited = script.WithChanges(script.Text.WithChange(change), [change]);

        var cached = Linter.Run(edited, cache: cache).Findings;
        var fresh = Linter.Run(edited).Findings;
        Assert.That(cached.Select(Shown), Is.EqualTo(fresh.Select(Shown)));
        Assert.That(cached.Select(f => edited.Text.ToString(f.Span)), Has.Some.StartsWith("DELETE FROM orders"));
        Assert.That(cached.Select(f => edited.Text.ToString(f.Span)), Has.Some.StartsWith("UPDATE products"));
    }

    [Test]
    public void Statements_an_edit_moved_and_its_undo_moved_back_give_the_findings_they_first_gave()
    {
        var cache = new LintCache();
        var script = SqlScript.Parse(Script, SqlDialect.Postgres);
        var first = Linter.Run(script, cache: cache).Findings;
        var change = new TextChange(new TextSpan(0, 0), "SELECT 1;\n");
        var edited = script.WithChanges(script.Text.WithChange(change), [change]);
        var moved = Linter.Run(edited, cache: cache).Findings;
        var undo = new TextChange(new TextSpan(0, "SELECT 1;\n".Length), "");
        var undone = edited.WithChanges(edited.Text.WithChange(undo), [undo]);
        var back = Linter.Run(undone, cache: cache).Findings;

        Assert.That(moved.Select(f => f.Span.Start), Is.EqualTo(first.Select(f => f.Span.Start + change.NewText.Length)));
        Assert.That(moved.Select(f => f.Origin), Is.EqualTo(back.Select(f => f.Origin)).Using<Finding>(ReferenceEquals), "a moved finding keeps its origin");
        // Back where they were found: the very findings of the first run, not copies moved there again.
        Assert.That(back.Zip(first).All(p => ReferenceEquals(p.First, p.Second)), Is.True);
    }

    [Test]
    public void A_run_takes_the_kept_statements_findings_by_index_only_from_the_version_the_edit_was_made_from()
    {
        static SqlScript Edit(SqlScript script, int at, int length, string text)
        {
            var change = new TextChange(new TextSpan(at, length), text);
            return script.WithChanges(script.Text.WithChange(change), [change]);
        }
        var cache = new LintCache();
        var script = SqlScript.Parse(Script, SqlDialect.Postgres);
        Linter.Run(script, cache: cache);
        // An edit at the end keeps the first statements: their findings are the previous run's, the same objects.
        var atEnd = Edit(script, Script.Length, 0, "\nSELECT 2;");
        var first = Linter.Run(script, cache: cache).Findings;
        var kept = Linter.Run(atEnd, cache: cache).Findings;
        Assert.That(kept[0], Is.SameAs(first[0]));
        Assert.That(kept.Select(Shown), Is.EqualTo(Linter.Run(atEnd).Findings.Select(Shown)));

        // The first DELETE given a WHERE in a version that is never linted, then an edit at the end of that version:
        // the last run (of another version) still has the DELETE's finding at index 0, and must not lend it.
        var fixedDelete = Edit(atEnd, "DELETE FROM orders".Length, 0, " WHERE id = 1");
        var later = Edit(fixedDelete, fixedDelete.Text.Length, 0, "\nSELECT 3;");
        Assert.That(later.Edit!.Kept, Is.GreaterThan(0));
        var found = Linter.Run(later, cache: cache).Findings;
        Assert.That(found.Select(Shown), Is.EqualTo(Linter.Run(later).Findings.Select(Shown)));
        Assert.That(found, Has.None.Matches<Finding>(f => f.RuleId == "delete-without-where"));
    }

    [Test]
    public void A_suppression_comment_typed_a_character_at_a_time_is_found_where_the_edits_change_the_text()
    {
        var cache = new LintCache();
        const string text = "SELECT 1;\nDELETE FROM orders;\nSELECT 2;\n";
        var script = SqlScript.Parse(text, SqlDialect.Postgres);
        Assert.That(Linter.Run(script, cache: cache).Findings.Select(f => f.RuleId), Does.Contain("delete-without-where"));
        const string comment = "-- dbagent-ignore delete-without-where\n";
        var at = text.IndexOf("DELETE", StringComparison.Ordinal);
        for (var i = 0; i < comment.Length; i++)
        {
            var change = new TextChange(new TextSpan(at + i, 0), comment[i].ToString());
            script = script.WithChanges(script.Text.WithChange(change), [change]);
            var found = Linter.Run(script, cache: cache).Findings;
            Assert.That(found.Select(Shown), Is.EqualTo(Linter.Run(script).Findings.Select(Shown)), $"after typing {comment[..(i + 1)]}");
        }
        Assert.That(Linter.Run(script, cache: cache).Findings.Select(f => f.RuleId), Does.Not.Contain("delete-without-where"));
    }

    [Test]
    public void A_statement_that_turns_back_into_one_seen_before_gets_its_own_new_table_verdict_not_the_last_runs()
    {
        // The index switches between a table the migration creates (no lock worth a warning) and one that exists; the
        // tables created stay the same, so the check's verdicts are taken over where a statement has the same findings.
        var cache = new LintCache();
        const string text = "CREATE TABLE a (id int);\nCREATE INDEX i ON a (id);\nSELECT 1;\n";
        var script = SqlScript.Parse(text, SqlDialect.Postgres);
        var at = text.IndexOf("ON a", StringComparison.Ordinal) + 3;
        foreach (var table in new[] { "b", "a", "b", "a" })
        {
            var change = new TextChange(new TextSpan(at, 1), table);
            script = script.WithChanges(script.Text.WithChange(change), [change]);
            var found = Linter.Run(script, cache: cache).Findings;
            Assert.That(found.Select(Shown), Is.EqualTo(Linter.Run(script).Findings.Select(Shown)), $"index on {table}");
            Assert.That(found.Any(f => f.RuleId == "index-without-concurrently"), Is.EqualTo(table == "b"), $"index on {table}");
        }
    }

    [Test]
    public void New_settings_are_not_answered_from_findings_made_under_the_old_ones()
    {
        var cache = new LintCache();
        var script = SqlScript.Parse(Script, SqlDialect.Postgres);
        Assert.That(Linter.Run(script, cache: cache).Findings, Has.Some.Matches<Finding>(f => f.RuleId == "delete-without-where"));
        var off = RuleSettings.FromJson(System.Text.Json.JsonDocument.Parse("""{ "delete-without-where": "off" }""").RootElement);
        Assert.That(Linter.Run(script, off, cache: cache).Findings, Has.None.Matches<Finding>(f => f.RuleId == "delete-without-where"));
    }

    [Test]
    public void Over_random_edits_the_cached_findings_equal_a_fresh_lint()
    {
        var edits = Gen.Select(Gen.Int[0, Script.Length], Gen.Int[0, 4], Gen.String[Gen.Char["abc ;'()=\nWHERE"], 0, 6]);
        Gen.Select(edits.List[1, 12], Gen.Const(0)).Sample(sample =>
        {
            var (list, _) = sample;
            var cache = new LintCache();
            var script = SqlScript.Parse(Script, SqlDialect.Postgres);
            Linter.Run(script, cache: cache);
            foreach (var (position, length, text) in list)
            {
                var start = Math.Min(position, script.Text.Length);
                var change = new TextChange(new TextSpan(start, Math.Min(length, script.Text.Length - start)), text);
                script = script.WithChanges(script.Text.WithChange(change), [change]);
                var cached = Linter.Run(script, cache: cache).Findings;
                var fresh = Linter.Run(script).Findings;
                Assert.That(cached.Select(Shown), Is.EqualTo(fresh.Select(Shown)), script.Text.ToString());
            }
        }, iter: 200);
    }

    [Test]
    public void An_edit_undone_runs_no_rule_again_even_where_it_re_lexed_the_rest_of_the_file()
    {
        // A quote typed flips every later string: every statement after it gets a new tree; the undo flips them back.
        var text = string.Concat(Enumerable.Range(0, 30).Select(i => $"UPDATE t{i} SET a = 'x{i}' WHERE id = {i};\n"));
        var rule = new CountingRule();
        var cache = new LintCache();
        var script = SqlScript.Parse(text, SqlDialect.Postgres);
        var before = Linter.Run(script, rules: [rule], cache: cache).Findings;
        var at = text.IndexOf("UPDATE t5 ", StringComparison.Ordinal);
        var quote = new TextChange(new TextSpan(at, 0), "'");
        var quoted = script.WithChanges(script.Text.WithChange(quote), [quote]);
        Linter.Run(quoted, rules: [rule], cache: cache);
        var undo = new TextChange(new TextSpan(at, 1), "");
        var undone = quoted.WithChanges(quoted.Text.WithChange(undo), [undo]);
        Assert.That(quoted.Statements, Has.Count.LessThan(10), "the quote turned the rest of the file into one statement");
        // The undo splits it again, and gives those statements their trees back (what the quote dropped is
        // remembered), all but the few it parsed again where it restarted.
        Assert.That(undone.Statements, Has.Count.EqualTo(30));
        Assert.That(undone.Statements.Count(s => !script.Statements.Any(o => ReferenceEquals(o.TreeIdentity, s.TreeIdentity))), Is.LessThanOrEqualTo(2));

        rule.Calls = 0;
        var after = Linter.Run(undone, rules: [rule], cache: cache).Findings;
        Assert.That(rule.Calls, Is.Zero, "every statement has a text the cache has seen");
        Assert.That(after.Select(Shown), Is.EqualTo(before.Select(Shown)));
    }

    /// <summary>A migration with what the script rules read: created tables, a transaction block, a lock timeout, locking DDL.</summary>
    private const string Migration = """
        CREATE TABLE a (id serial PRIMARY KEY, name varchar(20));
        CREATE INDEX a_name ON a (name);
        ALTER TABLE b ADD COLUMN c int NOT NULL;
        BEGIN;
        CREATE INDEX CONCURRENTLY b_c ON b (c);
        ALTER TABLE b ALTER COLUMN c TYPE bigint;
        UPDATE b SET c = 1;
        COMMIT;
        SET lock_timeout = '5s';
        ALTER TABLE a DROP COLUMN name;
        DELETE FROM a WHERE name = NULL;
        SELECT * FROM a, b LIMIT 10;
        """;

    [Test]
    public void Over_random_edits_and_undos_the_whole_pipeline_with_every_rule_on_equals_a_fresh_analysis(
        [Values("default", "mixed", "suppressed")] string levels)
    {
        // Mixed: every rule on, but every third at error and every fifth off, so that settings change what the rules
        // found. Suppressed: a comment silences one statement's findings, so that each finding's statement is read.
        var all = RuleSettings.From(RuleCatalog.LintRules.Select(r => r.Descriptor).Concat(RuleCatalog.ScriptRules.Select(r => r.Descriptor))
            .Select((d, i) => new KeyValuePair<string, string?>(d.Id, levels != "mixed" ? "default" : i % 5 == 4 ? "off" : i % 3 == 0 ? "error" : "default")));
        var migration = levels == "suppressed" ? Migration.Replace("ALTER TABLE b ALTER", "-- dbagent-ignore\nALTER TABLE b ALTER", StringComparison.Ordinal) : Migration;
        var edits = Gen.Select(Gen.Int[0, migration.Length], Gen.Int[0, 4], Gen.String[Gen.Char["abc ;'()=\nWHERECONCURRENTLY"], 0, 6], Gen.Bool);
        edits.List[1, 10].Sample(list =>
        {
            var cache = new LintCache();
            var script = SqlScript.Parse(migration, SqlDialect.Postgres);
            DbAgent.Analysis.Pipeline.FindingsPipeline.Analyze(script, new DbAgent.Analysis.Pipeline.AnalysisInput { Rules = all, Cache = cache });
            foreach (var (position, length, text, undo) in list)
            {
                var start = Math.Min(position, script.Text.Length);
                var span = new TextSpan(start, Math.Min(length, script.Text.Length - start));
                var removed = script.Text.ToString(span);
                var change = new TextChange(span, text);
                var steps = undo ? new[] { change, new TextChange(new TextSpan(start, text.Length), removed) } : [change];
                foreach (var step in steps)
                {
                    script = script.WithChanges(script.Text.WithChange(step), [step]);
                    var cached = DbAgent.Analysis.Pipeline.FindingsPipeline.Analyze(script, new DbAgent.Analysis.Pipeline.AnalysisInput { Rules = all, Cache = cache }).Findings;
                    var fresh = DbAgent.Analysis.Pipeline.FindingsPipeline.Analyze(SqlScript.Parse(script.Text.ToString(), SqlDialect.Postgres), new DbAgent.Analysis.Pipeline.AnalysisInput { Rules = all }).Findings;
                    Assert.That(cached.Select(Shown), Is.EqualTo(fresh.Select(Shown)), script.Text.ToString());
                    Assert.That(cached.Zip(cached.Skip(1)).All(p => Linter.DocumentOrder(p.First, p.Second) <= 0), Is.True, "in document order");
                    // The fixes moved with their findings: each edit where a fresh analysis puts it.
                    Assert.That(cached.Select(Fixes), Is.EqualTo(fresh.Select(Fixes)), script.Text.ToString());
                }
            }
        }, iter: 150);
    }

    [Test]
    public void A_quote_typed_undone_and_typed_again_in_a_long_migration_is_analysed_as_afresh()
    {
        // Long enough that a quote near the start re-parses the many statements after it, and its undo restores the
        // version before it whole (its statements, with what the analysis placed on them).
        var text = string.Concat(Enumerable.Repeat(Migration + "\n", 12));
        var all = RuleSettings.From(RuleCatalog.LintRules.Select(r => r.Descriptor).Concat(RuleCatalog.ScriptRules.Select(r => r.Descriptor))
            .Select(d => new KeyValuePair<string, string?>(d.Id, "default")));
        Gen.Int[0, text.Length / 2].Sample(at =>
        {
            var cache = new LintCache();
            var script = SqlScript.Parse(text, SqlDialect.Postgres);
            var quote = new TextChange(new TextSpan(at, 0), "'");
            var undo = new TextChange(new TextSpan(at, 1), "");
            var first = script.Statements;
            var steps = new[] { (TextChange?)null, quote, undo, quote, undo };
            for (var k = 0; k < steps.Length; k++)
            {
                if (steps[k] is { } change) script = script.WithChanges(script.Text.WithChange(change), [change]);
                if (k == 2) Assert.That(script.Statements, Is.SameAs(first), "the version before the quote, whole");
                var cached = DbAgent.Analysis.Pipeline.FindingsPipeline.Analyze(script, new DbAgent.Analysis.Pipeline.AnalysisInput { Rules = all, Cache = cache }).Findings;
                var fresh = DbAgent.Analysis.Pipeline.FindingsPipeline.Analyze(SqlScript.Parse(script.Text.ToString(), SqlDialect.Postgres), new DbAgent.Analysis.Pipeline.AnalysisInput { Rules = all }).Findings;
                Assert.That(cached.Select(Shown), Is.EqualTo(fresh.Select(Shown)), $"quote at {at}");
                Assert.That(cached.Select(Fixes), Is.EqualTo(fresh.Select(Fixes)), $"quote at {at}");
            }
        }, iter: 40);
    }
}
