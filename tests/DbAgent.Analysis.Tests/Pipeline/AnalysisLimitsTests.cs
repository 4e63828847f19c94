using System.Text;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Tests.Pipeline;

/// <summary>
/// The size policy and the stage time limits (issue 12): a large file gets the cheap stages only and a stage out of
/// time stops, and in both cases the analysis-limited notice at the top says what was left out; nothing silently.
/// </summary>
public class AnalysisLimitsTests
{
    /// <summary>Statement i is `DELETE FROM t{i};` (a delete-without-where error each); an unbalanced parenthesis at the end.</summary>
    private static SqlScript Script(int statements)
    {
        var text = new StringBuilder();
        for (var i = 0; i < statements; i++) text.Append("DELETE FROM t").Append(i).Append(";\n");
        text.Append("SELECT (1;\n");
        return SqlScript.Parse(text.ToString(), SqlDialect.Postgres);
    }

    private static List<Finding> Notices(AnalysisResult result) => result.Findings.Where(f => f.RuleId == CoreRules.AnalysisLimited.Id).ToList();

    [Test]
    public void A_file_within_the_limits_gets_every_stage_and_no_notice()
    {
        var result = FindingsPipeline.Analyze(Script(50), new AnalysisInput());
        Assert.That(Notices(result), Is.Empty);
        Assert.That(result.Findings.Count(f => f.RuleId == "delete-without-where"), Is.EqualTo(50));
    }

    [Test]
    public void A_file_with_too_many_statements_gets_the_rules_on_its_first_statements_and_syntax_errors_everywhere_and_says_so()
    {
        var limits = AnalysisLimits.Default with { MaxStatements = 100, LargeFileRuleStatements = 10 };
        var script = Script(300);
        var result = FindingsPipeline.Analyze(script, new AnalysisInput { Limits = limits });

        Assert.That(result.Findings.Count(f => f.RuleId == "delete-without-where"), Is.EqualTo(10), "rules on the first 10 statements only");
        Assert.That(result.Findings.Where(f => f.RuleId == "delete-without-where").Max(f => f.Span.Start), Is.LessThan(script.Statements[10].Span.Start));
        // Our own lexer's error on the last line is still reported; the engine's grammar check is not run.
        var syntax = result.Findings.Where(f => f.RuleId == "syntax-error").ToList();
        Assert.That(syntax.Single().Span.Start, Is.GreaterThan(script.Statements[299].Span.Start));
        Assert.That(syntax.All(f => f.Data is null || f.Data.GetValueOrDefault("source") != "libpg_query"), Is.True);

        var notice = Notices(result).Single();
        Assert.That(notice.Span.Start, Is.Zero);
        Assert.That(notice.Severity, Is.EqualTo(FindingSeverity.Information));
        Assert.That(notice.Message, Does.Contain("301 statements, over the 100 limit").And.Contain("dbagent.analysis.maxStatements")
            .And.Contain("the first 10 of 301 statements (to line 11)").And.Contain("whole-script rules"));
    }

    [Test]
    public void A_file_over_the_size_limit_names_its_size_and_the_setting()
    {
        var limits = AnalysisLimits.Default with { MaxFileMegabytes = 0.001 };
        var result = FindingsPipeline.Analyze(Script(100), new AnalysisInput { Limits = limits });
        Assert.That(Notices(result).Single().Message, Does.Contain("MB of text, over the 0 MB limit").And.Contain("dbagent.analysis.maxFileSizeMB"));
    }

    [Test]
    public void The_whole_script_rules_are_skipped_in_a_large_file_and_said_to_be()
    {
        // CREATE INDEX CONCURRENTLY inside BEGIN/COMMIT is a whole-script finding; in a file over the policy it is not looked for.
        var sql = "BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n";
        var full = FindingsPipeline.Analyze(SqlScript.Parse(sql, SqlDialect.Postgres), new AnalysisInput());
        Assert.That(full.Findings.Select(f => f.RuleId), Does.Contain("concurrently-in-transaction"));
        var limited = FindingsPipeline.Analyze(SqlScript.Parse(sql, SqlDialect.Postgres), new AnalysisInput { Limits = AnalysisLimits.Default with { MaxStatements = 2 } });
        Assert.That(limited.Findings.Select(f => f.RuleId), Does.Not.Contain("concurrently-in-transaction"));
        Assert.That(Notices(limited).Single().Message, Does.Contain("Skipped:").And.Contain("whole-script rules (transaction blocks, lock_timeout)"));
    }

    [Test]
    public void A_stage_out_of_time_keeps_what_it_found_and_says_where_it_stopped()
    {
        var limits = AnalysisLimits.Default with { StageTimeLimit = TimeSpan.FromTicks(1) };
        var result = FindingsPipeline.Analyze(Script(200), new AnalysisInput { Limits = limits });
        var deletes = result.Findings.Count(f => f.RuleId == "delete-without-where");
        Assert.That(deletes, Is.GreaterThan(0).And.LessThan(200), "partial results, not none and not all");
        var notices = Notices(result);
        Assert.That(notices, Has.Some.Matches<Finding>(n => n.Message.StartsWith("Analysis cut short: the rules stopped after", StringComparison.Ordinal)
            && n.Message.Contains($"having checked {deletes} of 201 statements", StringComparison.Ordinal)
            && n.Message.Contains("dbagent.analysis.stageTimeLimitMs", StringComparison.Ordinal)));
        Assert.That(notices, Has.Some.Matches<Finding>(n => n.Message.Contains("grammar check", StringComparison.Ordinal) && n.Message.Contains("stopped after", StringComparison.Ordinal)));
        Assert.That(notices.All(n => n.Span.Start == 0), Is.True);
    }

    [Test]
    public void No_limits_means_every_stage_whatever_the_size()
    {
        var result = FindingsPipeline.Analyze(Script(300), new AnalysisInput { Limits = AnalysisLimits.None with { } });
        Assert.That(Notices(result), Is.Empty);
        Assert.That(result.Findings.Count(f => f.RuleId == "delete-without-where"), Is.EqualTo(300));
    }

    [Test]
    public void The_notice_obeys_the_rule_settings()
    {
        var off = RuleSettings.FromJson(System.Text.Json.JsonDocument.Parse("""{ "analysis-limited": "off" }""").RootElement);
        var result = FindingsPipeline.Analyze(Script(300), new AnalysisInput { Rules = off, Limits = AnalysisLimits.Default with { MaxStatements = 100 } });
        Assert.That(Notices(result), Is.Empty);
    }
}
