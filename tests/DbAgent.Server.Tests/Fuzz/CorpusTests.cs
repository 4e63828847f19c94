using System.Text;
using DbAgent.Server.Tests.Robustness;

namespace DbAgent.Server.Tests.Fuzz;

/// <summary>
/// The inputs that once crashed or stalled DbAgent (issue 12), kept as regression cases: the small ones as files in
/// Corpus/, the large ones as recipes written out at test time. All go through the real `dbagent check` in a child
/// process (a native crash would otherwise take the test run with it): it must end, in time, with 0 or 1.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class CorpusTests
{
    private static readonly (string Name, Func<string> Text)[] Recipes =
    [
        ("left-chain-200000.sql", () => "SELECT 1" + string.Concat(Enumerable.Repeat(" + 1", 200_000)) + ";\n"),
        ("select-lines-200000.sql", () => string.Concat(Enumerable.Repeat("SELECT 1;\n", 200_000))),
        ("open-parens-200000.sql", () => "SELECT " + new string('(', 200_000) + "\n"),
        ("union-chain-100000.sql", () => string.Join(" UNION ", Enumerable.Repeat("SELECT 1", 100_000)) + ";\n"),
    ];

    private static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Fuzz", "Corpus");

    [Test]
    public async Task Every_corpus_case_is_checked_without_a_crash_or_a_hang()
    {
        Assert.That(Directory.GetFiles(CorpusDirectory, "*.sql"), Is.Not.Empty, $"the corpus is copied beside the tests: {CorpusDirectory}");
        var dir = Path.Combine(Path.GetTempPath(), "dbagent-corpus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var file in Directory.GetFiles(CorpusDirectory, "*.sql")) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            foreach (var (name, text) in Recipes) File.WriteAllText(Path.Combine(dir, name), text(), new UTF8Encoding(false));
            foreach (var dialect in new[] { "postgres", "mysql", "tsql", "sqlite" })
            {
                var (code, output, error) = await ServerProcess.RunAsync(TimeSpan.FromSeconds(120), "check", "--dialect", dialect, dir);
                Assert.That(code, Is.Not.Null, $"{dialect}: dbagent check did not finish in 120 s");
                Assert.That(code, Is.EqualTo(0).Or.EqualTo(1), $"{dialect}: exit {code}\n{error[..Math.Min(2000, error.Length)]}");
                Assert.That(error, Does.Contain($"{Directory.GetFiles(dir).Length} file(s) checked"), dialect);
                Assert.That(error, Does.Not.Contain("could not be analysed"), dialect);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
