using CsCheck;
using DbAgent.Analysis.Findings;
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
        rule.Calls = 0;
        var second = Linter.Run(edited, rules: [rule], cache: cache).Findings;

        Assert.That(rebuilt, Is.InRange(1, 4), "the parser keeps the trees of the statements the edit did not touch");
        Assert.That(rule.Calls, Is.EqualTo(rebuilt), "the rules see only the statements with a new tree");
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
}
