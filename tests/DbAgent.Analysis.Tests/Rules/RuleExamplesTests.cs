using System.Text.RegularExpressions;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Tests.Rules;

/// <summary>
/// Every lint rule's doc page carries a bad and a good example; each is run through the one pipeline on the rule's
/// first engine: the bad one must report the rule, the good one must not. The doc page is the test data, so a page
/// cannot drift from what the rule does.
/// </summary>
public class RuleExamplesTests
{
    public static IEnumerable<TestCaseData> Rules() =>
        RuleCatalog.LintRules.Select(r => r.Descriptor).Concat(RuleCatalog.ScriptRules.Select(r => r.Descriptor))
            .Select(d => new TestCaseData(d.Id).SetName("Example_of_" + d.Id.Replace('-', '_')));

    [TestCaseSource(nameof(Rules))]
    public void Bad_example_reports_the_rule_and_good_example_does_not(string ruleId)
    {
        var rule = RuleCatalog.Find(ruleId)!;
        var doc = rule.Documentation;
        var dialect = rule.Engines.Count > 0 ? rule.Engines[0] : SqlDialect.Postgres;
        var schema = Block(doc, "## Schema") is { } ddl ? Replay(ddl, dialect) : null;

        // Opt-in rules are switched on at their own severity, as a user would.
        var on = rule.EnabledByDefault ? null : RuleSettings.From([new(ruleId, rule.DefaultSeverity.ToString())]);
        Assert.That(Analyze(Block(doc, "## Bad example")!, dialect, schema).Select(f => f.RuleId), rule.EnabledByDefault ? Does.Contain(ruleId) : Does.Not.Contain(ruleId));
        var bad = Analyze(Block(doc, "## Bad example")!, dialect, schema, on);
        Assert.That(bad.Select(f => f.RuleId), Does.Contain(ruleId), $"bad example of {ruleId} on {dialect}");
        var finding = bad.First(f => f.RuleId == ruleId);
        Assert.That(finding.Severity, Is.EqualTo(rule.DefaultSeverity));

        var good = Analyze(Block(doc, "## Good example")!, dialect, schema, on);
        Assert.That(good.Select(f => f.RuleId), Does.Not.Contain(ruleId), $"good example of {ruleId} on {dialect}");
    }

    [TestCaseSource(nameof(Rules))]
    public void Inline_suppression_and_settings_silence_the_bad_example(string ruleId)
    {
        var rule = RuleCatalog.Find(ruleId)!;
        var dialect = rule.Engines.Count > 0 ? rule.Engines[0] : SqlDialect.Postgres;
        var schema = Block(rule.Documentation, "## Schema") is { } ddl ? Replay(ddl, dialect) : null;
        var bad = Block(rule.Documentation, "## Bad example")!;
        var off = RuleSettings.From([new(ruleId, "off")]);
        Assert.That(Analyze(bad, dialect, schema, off).Select(f => f.RuleId), Does.Not.Contain(ruleId));

        // -- dbagent-ignore before each statement of the example.
        var on = rule.EnabledByDefault ? null : RuleSettings.From([new(ruleId, rule.DefaultSeverity.ToString())]);
        var ignored = string.Join("\n", bad.Split('\n').Select(line => $"-- dbagent-ignore {ruleId}\n{line}"));
        Assert.That(Analyze(ignored, dialect, schema, on).Select(f => f.RuleId), Does.Not.Contain(ruleId));
    }

    [Test]
    public void Every_rule_has_a_doc_page_with_examples_and_a_help_uri()
    {
        foreach (var rule in RuleCatalog.LintRules.Select(r => r.Descriptor).Concat(RuleCatalog.ScriptRules.Select(r => r.Descriptor)))
        {
            Assert.That(Block(rule.Documentation, "## Bad example"), Is.Not.Null, rule.Id);
            Assert.That(Block(rule.Documentation, "## Good example"), Is.Not.Null, rule.Id);
            Assert.That(rule.Documentation, Does.Contain("default severity: " + rule.DefaultSeverity.ToString().ToLowerInvariant()), rule.Id);
            // The pages ship beside the test assembly too (as beside the server): the link points at a file that exists.
            var uri = rule.HelpUri;
            Assert.That(uri, Is.Not.Null, rule.Id);
            Assert.That(File.Exists(uri!.LocalPath), Is.True, uri.ToString());
        }
    }

    internal static IReadOnlyList<Findings.Finding> Analyze(string sql, SqlDialect dialect, SchemaModel? schema = null, RuleSettings? rules = null) =>
        FindingsPipeline.Analyze(SqlScript.Parse(sql, dialect), new AnalysisInput { Rules = rules ?? RuleSettings.Default, Schema = schema }).Findings;

    private static SchemaModel Replay(string ddl, SqlDialect dialect)
    {
        var schema = new SchemaModel(dialect) { DefaultSchema = SchemaReplayer.DefaultSchemaOf(dialect) };
        SchemaReplayer.Replay(SqlScript.Parse(ddl, dialect), schema);
        return schema;
    }

    /// <summary>The first ```sql block after a heading.</summary>
    internal static string? Block(string doc, string heading)
    {
        var at = doc.IndexOf(heading + "\n", StringComparison.Ordinal);
        if (at < 0) return null;
        var match = Regex.Match(doc[at..], "```sql\n(.*?)\n```", RegexOptions.Singleline);
        return match.Success ? match.Groups[1].Value : null;
    }
}
