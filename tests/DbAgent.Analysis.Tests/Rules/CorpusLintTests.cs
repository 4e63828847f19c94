using System.Diagnostics;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Tests.Rules;

/// <summary>The linter over real SQL corpora: no rule may throw, and the whole PostgreSQL regression suite lints quickly.</summary>
public class CorpusLintTests
{
    /// <summary>../shared/corpora from the repository root (or from any ancestor, for git worktrees).</summary>
    private static string? Corpora()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpora");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    [TestCase("postgres-regress", SqlDialect.Postgres)]
    [TestCase("sqlfluff-dialects/mysql", SqlDialect.MySql)]
    [TestCase("sqlfluff-dialects/tsql", SqlDialect.TSql)]
    [TestCase("sqlfluff-dialects/postgres", SqlDialect.Postgres)]
    public void No_rule_fails_on_a_real_corpus(string folder, SqlDialect dialect)
    {
        var root = Corpora();
        if (root is null || !Directory.Exists(Path.Combine(root, folder)))
            Assert.Ignore($"corpus {folder} not found under ../shared/corpora");
        var files = Directory.EnumerateFiles(Path.Combine(root!, folder), "*.sql", SearchOption.AllDirectories).ToList();
        Assert.That(files, Is.Not.Empty);

        var findings = 0;
        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            var result = Linter.Run(SqlScript.Parse(File.ReadAllText(file), dialect));
            Assert.That(result.Failures, Is.Empty, file);
            findings += result.Findings.Count(f => f.RuleId is "update-without-where" or "delete-without-where");
        }
        TestContext.Out.WriteLine($"{folder}: {files.Count} files, {findings} where-less DML findings, {watch.ElapsedMilliseconds} ms");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)));
        if (folder == "postgres-regress") Assert.That(findings, Is.GreaterThan(0), "the regression suite deletes whole tables on purpose");
    }
}
