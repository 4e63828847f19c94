using System.Text.RegularExpressions;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Validation;

namespace DbAgent.Analysis.Tests.Rules;

/// <summary>
/// Procedural T-SQL written for this test (procedures, functions, triggers, CREATE OR ALTER, MERGE, TRY/CATCH,
/// cursors, dynamic SQL; tests/DbAgent.Sql.Tests/Corpus/tsql-procedural): every batch ScriptDom accepts as a whole
/// must get no syntax-error finding from the pipeline, in the editor's mode and in `dbagent check`'s.
/// </summary>
public class TSqlProceduralCorpusTests
{
    private static string Folder()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DbAgent.sln")))
                return Path.Combine(dir.FullName, "tests", "DbAgent.Sql.Tests", "Corpus", "tsql-procedural");
        throw new DirectoryNotFoundException("repository root (DbAgent.sln) not found above the test directory");
    }

    [Test]
    public void Valid_procedural_batches_get_no_false_syntax_errors()
    {
        var files = Directory.GetFiles(Folder(), "*.sql").Order(StringComparer.Ordinal).ToList();
        Assert.That(files, Has.Count.GreaterThanOrEqualTo(3));
        int batches = 0, accepted = 0, statements = 0, errorNodes = 0, falseErrors = 0;
        var examples = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var batch in Regex.Split(text, @"^\s*GO\s*$", RegexOptions.Multiline).Where(b => b.Trim().Length > 0))
            {
                batches++;
                Assert.That(TSqlSyntaxValidator.Accepts(batch), Is.True, $"the corpus must be valid T-SQL: {Path.GetFileName(file)}: {batch.Trim()[..Math.Min(60, batch.Trim().Length)]}");
                accepted++;
            }
            var script = SqlScript.Parse(text, SqlDialect.TSql);
            statements += script.Statements.Count;
            errorNodes += script.Statements.Count(s => s.HasSyntaxErrors);
            foreach (var oneShot in new[] { false, true })
            {
                var syntax = FindingsPipeline.Analyze(script, new AnalysisInput { OneShot = oneShot }).Findings.Where(f => f.RuleId == CoreRules.SyntaxError.Id).ToList();
                falseErrors += syntax.Count;
                examples.AddRange(syntax.Select(f => $"{Path.GetFileName(file)}:{script.Text.GetLinePosition(f.Span.Start).Line + 1} ({(oneShot ? "check" : "editor")}): {f.Message}"));
            }
        }
        TestContext.Out.WriteLine($"tsql-procedural: {files.Count} files, {batches} batches ({accepted} accepted by ScriptDom), {statements} statements, " +
            $"{errorNodes} with an error node in our tree, {falseErrors} false syntax errors reported.");
        foreach (var e in examples) TestContext.Out.WriteLine("  " + e);
        Assert.That(falseErrors, Is.Zero, string.Join("\n", examples));
        Assert.That(errorNodes, Is.Zero);
    }

    [Test]
    public void A_real_error_in_a_batch_is_still_reported()
    {
        var script = SqlScript.Parse("CREATE OR ALTER PROCEDURE dbo.p AS\nBEGIN\n    SELEC 1;\nEND;\nGO\nSELECT 1;\n", SqlDialect.TSql);
        foreach (var oneShot in new[] { false, true })
            Assert.That(FindingsPipeline.Analyze(script, new AnalysisInput { OneShot = oneShot }).Findings.Select(f => f.RuleId), Does.Contain("syntax-error"), oneShot ? "check" : "editor");
    }
}
