using System.Text.Json;
using DbAgent.Server.Cli;

namespace DbAgent.Server.Tests.Cli;

[TestFixture]
public sealed class CheckCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "dbagent-check-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CheckCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Clean_files_exit_zero_and_print_no_findings()
    {
        var file = Write("ok.sql", "SELECT * FROM orders WHERE id = 1;\nDELETE FROM orders WHERE id = 2;\n");
        var (code, output, error) = await Run(file);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("1 file(s) checked: 0 error(s)"));
    }

    [Test]
    public async Task An_error_level_finding_prints_file_line_column_severity_rule_and_message_and_exits_one()
    {
        var file = Write("cleanup.sql", "SELECT 1;\n\n  DELETE FROM orders;\n");
        var (code, output, _) = await Run(file);
        Assert.That(code, Is.EqualTo(1));
        var line = output.TrimEnd().Split('\n').Single();
        // Outside the working directory the path is printed as given.
        Assert.That(line, Does.StartWith($"{file}:3:3: error delete-without-where: "));
        Assert.That(line, Does.Contain("orders"));
    }

    [Test]
    public async Task A_folder_is_walked_for_sql_files_in_a_stable_order()
    {
        Write("migrations/002_b.sql", "UPDATE accounts SET balance = 0;\n");
        Write("migrations/001_a.sql", "DELETE FROM orders;\n");
        Write("migrations/readme.txt", "DELETE FROM not_sql;\n");
        var (code, output, error) = await Run(_dir);
        Assert.That(code, Is.EqualTo(1));
        var lines = output.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Does.Contain("001_a.sql:1:1: error delete-without-where"));
        Assert.That(lines[1], Does.Contain("002_b.sql:1:1: error update-without-where"));
        Assert.That(error, Does.Contain("2 file(s) checked: 2 error(s)"));
    }

    [Test]
    public async Task An_inline_ignore_comment_makes_the_file_clean()
    {
        var file = Write("purge.sql", "-- dbagent-ignore delete-without-where\nDELETE FROM staging_rows;\n");
        var (code, output, _) = await Run(file);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Is.Empty);
    }

    [Test]
    public async Task Syntax_errors_are_reported_with_their_rule_id()
    {
        var file = Write("broken.sql", "SELECT (1;\n");
        var (code, output, _) = await Run(file);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain(":1:8: error syntax-error: "));
    }

    [Test]
    public async Task Json_format_lists_findings_with_one_based_positions()
    {
        var file = Write("cleanup.sql", "\nDELETE FROM orders;\n");
        var (code, output, _) = await Run("--format", "json", file);
        Assert.That(code, Is.EqualTo(1));
        using var json = JsonDocument.Parse(output);
        var finding = json.RootElement.GetProperty("findings").EnumerateArray().Single();
        Assert.That(finding.GetProperty("rule").GetString(), Is.EqualTo("delete-without-where"));
        Assert.That(finding.GetProperty("severity").GetString(), Is.EqualTo("error"));
        Assert.That(finding.GetProperty("line").GetInt32(), Is.EqualTo(2));
        Assert.That(finding.GetProperty("column").GetInt32(), Is.EqualTo(1));
        Assert.That(finding.GetProperty("endColumn").GetInt32(), Is.EqualTo(19));
        Assert.That(json.RootElement.GetProperty("errors").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Dialect_option_is_accepted_and_a_bad_one_is_a_usage_error()
    {
        var file = Write("q.sql", "DELETE FROM [orders];\n");
        var (code, output, _) = await Run("--dialect", "tsql", file);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("delete-without-where"));

        var (bad, _, error) = await Run("--dialect=oracle", file);
        Assert.That(bad, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--dialect"));
    }

    [TestCase(new string[0], "no PATH")]
    [TestCase(new[] { "--frobnicate", "x.sql" }, "unknown option '--frobnicate'")]
    [TestCase(new[] { "--format", "xml", "x.sql" }, "--format")]
    [TestCase(new[] { "/definitely/not/here.sql" }, "no such file or directory")]
    public async Task Usage_errors_exit_two_with_a_clear_message(string[] args, string message)
    {
        var (code, output, error) = await Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public async Task Binary_garbage_is_reported_and_skipped_and_the_other_files_are_still_checked()
    {
        var random = new Random(7);
        var bytes = new byte[200_000];
        random.NextBytes(bytes);
        bytes[10] = 0;
        File.WriteAllBytes(Path.Combine(_dir, "a_garbage.sql"), bytes);
        Write("b_real.sql", "DELETE FROM orders;\n");
        var (code, output, error) = await Run(_dir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("a_garbage.sql: skipped: binary content"));
        Assert.That(output, Does.Contain("b_real.sql:1:1: error delete-without-where"));
    }

    [Test]
    public async Task Invalid_utf8_without_nul_bytes_is_analysed_without_crashing()
    {
        var bytes = new List<byte>();
        bytes.AddRange("SELECT '"u8.ToArray());
        bytes.AddRange(new byte[] { 0xC3, 0x28, 0xFF, 0xFE, 0x80 });
        bytes.AddRange("';\nDELETE FROM t;\n"u8.ToArray());
        File.WriteAllBytes(Path.Combine(_dir, "latin.sql"), bytes.ToArray());
        var (code, output, _) = await Run(_dir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("latin.sql:2:1: error delete-without-where"));
    }

    [Test]
    public async Task With_a_connection_plan_findings_are_reported_as_warnings_beside_the_static_ones()
    {
        var database = Support.SqliteShop.Create();
        try
        {
            var file = Write("report.sql", "SELECT * FROM orders WHERE customer_id = 42;\nSELECT * FROM orders WHERE id = 42;\n");
            var (code, output, error) = await Run("--connection", database, file);
            Assert.That(code, Is.EqualTo(0), "plan findings are warnings: " + error);
            var line = output.TrimEnd().Split('\n').Single();
            Assert.That(line, Does.Contain("report.sql:1:15: warning plan-full-scan: "));

            var (jsonCode, json, _) = await Run("--format", "json", "--connection", database, file);
            Assert.That(jsonCode, Is.EqualTo(0));
            Assert.That(json, Does.Contain("\"rule\": \"plan-full-scan\""));
        }
        finally
        {
            Support.SqliteShop.Delete(database);
        }
    }

    [Test]
    public async Task An_unknown_connection_name_is_a_usage_error_and_an_unreachable_database_keeps_the_static_checks()
    {
        var file = Write("cleanup.sql", "DELETE FROM orders;\n");
        var (code, output, error) = await Run("--connection", "nowhere", file);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("nowhere"));
        Assert.That(output, Is.Empty);

        var (down, downOut, downErr) = await Run("--connection", "postgres://someone@127.0.0.1:1/none", file);
        Assert.That(down, Is.EqualTo(1));
        Assert.That(downErr, Does.Contain("Plan checks are skipped"));
        Assert.That(downOut, Does.Contain("delete-without-where"));
    }

    [Test]
    public async Task A_large_file_is_analysed_in_full_when_the_limits_are_raised_and_fails_the_check_when_it_is_not()
    {
        var text = string.Concat(Enumerable.Repeat("UPDATE accounts SET balance = balance + 1 WHERE id = 7;\n", 100_000)) + "DELETE FROM orders;\n";
        var file = Write("big.sql", text);

        // The size policy (5.3 MB and 100,001 statements, over 5 MB and 20,000): the rules read the first 2,000, and the check says so and fails.
        var (code, output, error) = await Run(file);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain(":1:1: information analysis-limited: Analysis limited: this file has 5.3 MB of text")
            .And.Contain("the rules over the first 2,000 of 100,001 statements").And.Contain("in dbagent.json: analysis.maxFileSizeMB"));
        Assert.That(output, Does.Not.Contain(":100001:1: error delete-without-where"));
        Assert.That(error, Does.Contain("big.sql: only partly checked: Analysis limited").And.Contain("1 file(s) could not be checked"));

        // Limits off in dbagent.json: every statement, the DELETE on the last line found.
        Write("dbagent.json", """{ "analysis": { "maxStatements": 0, "maxFileSizeMB": 0, "stageTimeLimitMs": 0 } }""");
        (code, output, error) = await Run(file);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain(":100001:1: error delete-without-where").And.Not.Contain("analysis-limited"));
        Assert.That(error, Does.Not.Contain("partly checked"));
    }
}
