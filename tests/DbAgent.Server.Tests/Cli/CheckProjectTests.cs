using System.Diagnostics;
using System.Text.Json;
using DbAgent.Server.Cli;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Tests.Lsp;

namespace DbAgent.Server.Tests.Cli;

/// <summary>`dbagent check` with dbagent.json, SARIF, --changed-since, and the same findings as the editor.</summary>
[TestFixture]
public sealed class CheckProjectTests
{
    private string _dir = null!;
    private string _cwd = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "dbagent-project-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _cwd = Environment.CurrentDirectory;
    }

    [TearDown]
    public void TearDown()
    {
        Environment.CurrentDirectory = _cwd;
        Directory.Delete(_dir, recursive: true);
    }

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
        var code = await DbAgent.Server.Cli.CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private const string Migration = "CREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE users ADD COLUMN plan text NOT NULL;\n";

    [Test]
    public async Task Help_lists_the_options_and_exit_codes_and_exits_zero()
    {
        var (code, output, _) = await Run("check", "--help");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("--format").And.Contain("sarif").And.Contain("--changed-since").And.Contain("--config").And.Contain("Exit codes"));
        var (root, rootOut, _) = await Run("--help");
        Assert.That(root, Is.EqualTo(0));
        Assert.That(rootOut, Does.Contain("check").And.Contain("lsp").And.Contain("advise").And.Not.Contain("sample"));
    }

    [Test]
    public async Task Config_sets_severities_ignores_files_and_picks_the_dialect_per_folder()
    {
        Write("dbagent.json", """
            {
              // comments are allowed
              "rules": { "missing-lock-timeout": "off", "add-column-not-null-without-default": "warning" },
              "dialects": { "db/sqlserver/**": "tsql" },
              "ignore": ["vendor/**"]
            }
            """);
        Write("db/migrations/001.sql", Migration);
        Write("db/sqlserver/001.sql", "CREATE INDEX ix_orders_customer ON dbo.orders (customer_id);\n");
        Write("vendor/thirdparty.sql", "DELETE FROM everything;\n");
        Environment.CurrentDirectory = _dir;
        var (code, output, error) = await Run("check", ".");
        Assert.That(code, Is.EqualTo(0), output + error);
        Assert.That(output, Does.Contain("warning add-column-not-null-without-default").And.Contain("warning index-without-concurrently"));
        Assert.That(output, Does.Not.Contain("missing-lock-timeout").And.Not.Contain("thirdparty"));
        // The T-SQL folder is read as T-SQL: ONLINE = ON is what it asks for.
        Assert.That(output, Does.Contain("db/sqlserver/001.sql:1:1: warning index-without-online"));
        Assert.That(error, Does.Contain("1 ignored by dbagent.json"));
    }

    [Test]
    public async Task A_broken_config_is_a_usage_error_and_unknown_keys_are_reported()
    {
        Write("dbagent.json", "{ not json");
        var file = Write("a.sql", "SELECT 1;\n");
        var (code, _, error) = await Run("check", file);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("dbagent.json: not valid JSON"));

        Write("dbagent.json", """{ "rulez": {} }""");
        var (ok, _, warned) = await Run("check", file);
        Assert.That(ok, Is.EqualTo(0));
        Assert.That(warned, Does.Contain("'rulez' is not a dbagent.json setting"));
    }

    [Test]
    public async Task Sarif_has_rules_with_help_locations_and_stable_fingerprints()
    {
        var file = Write("m.sql", Migration);
        Environment.CurrentDirectory = _dir;
        var (code, output, _) = await Run("check", "--format", "sarif", "m.sql");
        Assert.That(code, Is.EqualTo(1));
        using var doc = JsonDocument.Parse(output);
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.That(doc.RootElement.GetProperty("version").GetString(), Is.EqualTo("2.1.0"));
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        Assert.That(rules.Select(r => r.GetProperty("id").GetString()), Does.Contain("index-without-concurrently"));
        Assert.That(rules.All(r => r.GetProperty("helpUri").GetString()!.EndsWith(r.GetProperty("id").GetString() + ".md")), Is.True);
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var notNull = results.Single(r => r.GetProperty("ruleId").GetString() == "add-column-not-null-without-default");
        Assert.That(notNull.GetProperty("level").GetString(), Is.EqualTo("error"));
        var location = notNull.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.That(location.GetProperty("artifactLocation").GetProperty("uri").GetString(), Is.EqualTo("m.sql"));
        Assert.That(location.GetProperty("region").GetProperty("startLine").GetInt32(), Is.EqualTo(2));
        var fingerprint = notNull.GetProperty("partialFingerprints").GetProperty("dbagentFindingHash/v2").GetString();

        // A line added above moves the finding but keeps its fingerprint.
        File.WriteAllText(file, "-- a comment\n" + Migration);
        var (_, moved, _) = await Run("check", "--format", "sarif", "m.sql");
        using var movedDoc = JsonDocument.Parse(moved);
        var again = movedDoc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "add-column-not-null-without-default");
        Assert.That(again.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32(), Is.EqualTo(3));
        Assert.That(again.GetProperty("partialFingerprints").GetProperty("dbagentFindingHash/v2").GetString(), Is.EqualTo(fingerprint));
    }

    [Test]
    public async Task Changed_since_checks_only_the_new_migrations_and_treats_their_tables_as_new()
    {
        if (!Git("--version")) Assert.Ignore("git is not installed here");
        Git("init", "-q");
        Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "start");
        Write("migrations/001_old.sql", "DELETE FROM legacy;\n");
        Git("add", ".");
        Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "old");
        // The change: a new table in one migration, its index in the next.
        Write("migrations/002_carts.sql", "CREATE TABLE carts (id bigint PRIMARY KEY, user_id bigint);\n");
        Write("migrations/003_carts_index.sql", "CREATE INDEX carts_user_idx ON carts (user_id);\n");
        Environment.CurrentDirectory = _dir;
        var (code, output, error) = await Run("check", "--changed-since", "HEAD", "migrations");
        Assert.That(code, Is.EqualTo(0), output + error);
        Assert.That(output, Does.Not.Contain("001_old").And.Not.Contain("index-without-concurrently"));
        Assert.That(error, Does.Contain("2 file(s) checked"));

        var (all, allOut, _) = await Run("check", "migrations/003_carts_index.sql");
        Assert.That(allOut, Does.Contain("index-without-concurrently"), "without the change's context the table is an existing one");
        var (bad, _, badErr) = await Run("check", "--changed-since", "no-such-ref", "migrations");
        Assert.That(bad, Is.EqualTo(2));
        Assert.That(badErr, Does.Contain("--changed-since no-such-ref"));
    }

    [Test]
    public async Task The_editor_and_check_report_the_same_findings_for_the_same_file_and_config()
    {
        Write("dbagent.json", """{ "rules": { "prefer-text": "warning", "missing-lock-timeout": "off" } }""");
        var sql = Migration + "CREATE TABLE notes (body varchar(200));\nSELECT id FROM users WHERE deleted_at = NULL LIMIT 10;\n";
        var file = Write("db/002.sql", sql);
        Environment.CurrentDirectory = _dir;
        var (_, json, _) = await Run("check", "--format", "json", file);
        using var doc = JsonDocument.Parse(json);
        var fromCheck = doc.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("line").GetInt32() - 1}:{f.GetProperty("column").GetInt32() - 1} {f.GetProperty("severity").GetString()} {f.GetProperty("rule").GetString()}")
            .ToList();

        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _dir);
        var uri = new Uri(file).AbsoluteUri;
        await client.OpenAsync(uri, sql);
        var published = await client.DiagnosticsAsync(uri);
        var fromEditor = published.Diagnostics
            .Select(d => $"{d.Range.Start.Line}:{d.Range.Start.Character} {d.Severity.ToString().ToLowerInvariant()} {d.Code}")
            .ToList();
        Assert.That(fromEditor, Is.EqualTo(fromCheck));
        Assert.That(fromCheck, Does.Contain("2:20 warning prefer-text").And.Contain("3:38 warning compare-to-null"));
        Assert.That(published.Diagnostics[0].CodeDescription?.Href, Does.StartWith("file:").And.EndWith(published.Diagnostics[0].Code + ".md"));
    }

    private bool Git(params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("git") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
