using System.Text.Json;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Analysis.Rules.Dml;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Tests.Rules;

public class LinterTests
{
    private static IReadOnlyList<Finding> Lint(string sql, RuleSettings? settings = null) =>
        Linter.Analyze(SqlScript.Parse(sql, SqlDialect.Postgres), settings);

    [Test]
    public void Findings_in_runs_come_out_in_document_order_as_a_stable_sort_gives_them()
    {
        var random = new Random(11);
        string[] rules = ["a-rule", "b-rule", "c-rule"];
        for (var round = 0; round < 200; round++)
        {
            // A few runs, each in document order (as the linter makes them), of findings that often tie.
            var findings = new List<Finding>();
            var runs = random.Next(1, 7);
            for (var r = 0; r < runs; r++)
            {
                var at = random.Next(0, 50);
                for (var n = random.Next(0, 40); n > 0; n--)
                {
                    at += random.Next(0, 3);
                    findings.Add(new Finding(rules[random.Next(rules.Length)], FindingSeverity.Warning, $"{r}/{n}", new Sql.Text.TextSpan(at, 1)));
                }
            }
            if (round % 10 == 0) findings.Reverse();
            var expected = findings.OrderBy(f => f, Comparer<Finding>.Create(Linter.DocumentOrder)).ToList();
            Linter.SortInDocumentOrder(findings);
            Assert.That(findings, Is.EqualTo(expected).Using<Finding>(ReferenceEquals), $"round {round}");
        }
    }

    [Test]
    public void Suppression_on_the_line_before_silences_the_named_rule_only()
    {
        Assert.That(Lint("-- dbagent-ignore delete-without-where\nDELETE FROM a;"), Is.Empty);
        Assert.That(Lint("-- dbagent-ignore update-without-where\nDELETE FROM a;").Select(f => f.RuleId),
            Is.EqualTo(new[] { "delete-without-where" }));
    }

    [Test]
    public void Suppression_lists_several_ids()
    {
        Assert.That(Lint("-- dbagent-ignore update-without-where, delete-without-where\nDELETE FROM a;"), Is.Empty);
        Assert.That(Lint("/* dbagent-ignore plan-full-scan,delete-without-where */\nDELETE FROM a;"), Is.Empty);
    }

    [Test]
    public void Suppression_at_the_end_of_the_statement()
    {
        Assert.That(Lint("DELETE FROM a; -- dbagent-ignore delete-without-where"), Is.Empty);
        Assert.That(Lint("DELETE FROM a -- dbagent-ignore delete-without-where\n;"), Is.Empty.Or.Count.EqualTo(1),
            "a comment inside the statement is outside the contract; it must not crash");
    }

    [Test]
    public void A_trailing_suppression_belongs_to_its_own_statement_not_the_next()
    {
        var findings = Lint("DELETE FROM a; -- dbagent-ignore delete-without-where\nDELETE FROM b;\n");
        Assert.That(findings, Has.Count.EqualTo(1));
        Assert.That(findings[0].Message, Does.Contain(" b."));
    }

    [Test]
    public void A_suppression_before_one_statement_does_not_reach_the_next()
    {
        var findings = Lint("-- dbagent-ignore delete-without-where\nDELETE FROM a;\nDELETE FROM b;\n");
        Assert.That(findings, Has.Count.EqualTo(1));
        Assert.That(findings[0].Message, Does.Contain(" b."));
    }

    [Test]
    public void A_look_alike_comment_suppresses_nothing() =>
        Assert.That(Lint("-- dbagent-ignored delete-without-where\nDELETE FROM a;"), Has.Count.EqualTo(1));

    [Test]
    public void Setting_off_switches_a_rule_off_and_a_level_changes_its_severity()
    {
        var off = RuleSettings.From([new("delete-without-where", "off")]);
        Assert.That(Lint("DELETE FROM a; UPDATE a SET x = 1;", off).Select(f => f.RuleId), Is.EqualTo(new[] { "update-without-where" }));

        var hint = RuleSettings.FromJson(JsonDocument.Parse("""{ "update-without-where": "hint", "delete-without-where": "warning" }""").RootElement);
        var findings = Lint("DELETE FROM a; UPDATE a SET x = 1;", hint);
        Assert.That(findings.Select(f => (f.RuleId, f.Severity)), Is.EqualTo(new[]
        {
            ("delete-without-where", FindingSeverity.Warning),
            ("update-without-where", FindingSeverity.Hint),
        }));
        Assert.That(hint.Problems, Is.Empty);
    }

    [Test]
    public void Settings_report_what_they_cannot_read_and_keep_the_default()
    {
        var settings = RuleSettings.FromJson(JsonDocument.Parse("""{ "delete-without-where": "loud", "no-such-rule": "off", "update-without-where": false }""").RootElement);
        Assert.That(settings.Problems, Has.Count.EqualTo(2));
        Assert.That(settings.SeverityFor("delete-without-where", FindingSeverity.Error), Is.EqualTo(FindingSeverity.Error));
        Assert.That(settings.IsEnabled("update-without-where"), Is.False);
        Assert.That(RuleSettings.FromJson(JsonDocument.Parse("[1,2]").RootElement).Problems, Is.Empty);
    }

    [Test]
    public void Syntax_errors_become_findings_and_can_be_switched_off()
    {
        const string sql = "SELECT 'abc FROM t;";
        var findings = Lint(sql);
        Assert.That(findings.Select(f => f.RuleId), Does.Contain("syntax-error"));
        var error = findings.First(f => f.RuleId == "syntax-error");
        Assert.That(error.Severity, Is.EqualTo(FindingSeverity.Error));
        Assert.That(error.Span.Start, Is.EqualTo(sql.IndexOf('\'')));
        Assert.That(Lint(sql, RuleSettings.From([new("syntax-error", "off")])).Where(f => f.RuleId == "syntax-error"), Is.Empty);
    }

    [Test]
    public void A_throwing_rule_is_reported_as_a_failure_and_the_other_rules_still_run()
    {
        var script = SqlScript.Parse("DELETE FROM a; DELETE FROM b;", SqlDialect.Postgres);
        var result = Linter.Run(script, rules: [new ThrowingRule(), new DeleteWithoutWhereRule()]);
        Assert.That(result.Findings.Select(f => f.RuleId), Is.EqualTo(new[] { "delete-without-where", "delete-without-where" }));
        Assert.That(result.Failures, Has.Count.EqualTo(2));
        Assert.That(result.Failures[0].RuleId, Is.EqualTo("test-throws"));
        Assert.That(result.Failures[0].Error, Does.Contain("boom"));
    }

    [Test]
    public void Findings_are_sorted_by_position()
    {
        var findings = Lint("UPDATE a SET x = 1; DELETE FROM b; UPDATE c SET y = 2;");
        Assert.That(findings.Select(f => f.Span.Start), Is.Ordered);
        Assert.That(findings, Has.Count.EqualTo(3));
    }

    [Test]
    public void Never_throws_on_garbage_input()
    {
        var random = new Random(1234);
        var alphabet = "DELETE UPDATE FROM WHERE SET TOP LIMIT JOIN ON ( ) ; ' \" ` [ ] -- /* */ $$ \n\t dbagent-ignore , x \0\uFFFF\uD800";
        for (var i = 0; i < 300; i++)
        {
            var length = random.Next(0, 200);
            var chars = new char[length];
            for (var j = 0; j < length; j++) chars[j] = alphabet[random.Next(alphabet.Length)];
            var text = new string(chars);
            foreach (var dialect in Enum.GetValues<SqlDialect>())
                Assert.DoesNotThrow(() => Linter.Run(SqlScript.Parse(text, dialect)), text);
        }
        Assert.That(Linter.Run(null).Findings, Is.Empty);
    }

    private sealed class ThrowingRule : ILintRule
    {
        public RuleDescriptor Descriptor { get; } = new("test-throws", "Throws", "Throws.", FindingSeverity.Error, RuleCategory.Correctness);

        public IEnumerable<Finding> Analyze(LintContext context)
        {
            yield return context.Report(Descriptor, context.Model.Span);
            throw new InvalidOperationException("boom");
        }
    }
}
