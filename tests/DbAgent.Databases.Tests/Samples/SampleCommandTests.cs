using DbAgent.SampleData;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Tests.Samples;

[TestFixture]
public sealed class SampleCommandTests
{
    private string _tempDirectory = null!;

    [SetUp]
    public void CreateTempDirectory()
    {
        _tempDirectory = Path.Combine(Path.GetTempPath(), "dbagent-sample-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_tempDirectory);
    }

    [TearDown]
    public void DeleteTempDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_tempDirectory, recursive: true);
    }

    [TestCase(new string[0], "usage: dbagent-sample generate")]
    [TestCase(new[] { "frobnicate" }, "unknown subcommand 'frobnicate'")]
    [TestCase(new[] { "generate", "--connection", "x.db" }, "--engine is required")]
    [TestCase(new[] { "generate", "--engine", "oracle", "--connection", "x.db" }, "'oracle' is not one of")]
    [TestCase(new[] { "generate", "--engine", "sqlserver", "--connection", "x.db" }, "is not one of")]
    [TestCase(new[] { "generate", "--engine", "sqlite" }, "--connection is required")]
    [TestCase(new[] { "generate", "--engine", "sqlite", "--connection", "x.db", "--rows", "5" }, "--rows wants a whole number of at least 10")]
    [TestCase(new[] { "generate", "--engine", "sqlite", "--connection", "x.db", "--rows", "many" }, "--rows wants")]
    [TestCase(new[] { "generate", "--engine", "sqlite", "--connection", "x.db", "--colour" }, "unknown option '--colour'")]
    [TestCase(new[] { "generate", "--engine", "sqlite", "--connection" }, "--connection needs a value")]
    [TestCase(new[] { "generate", "--engine", "sqlite", "--connection", "postgres://shop@127.0.0.1/shop" }, "--engine sqlite does not match the postgres URL")]
    [TestCase(new[] { "generate", "--connection", "sqlserver://127.0.0.1;databaseName=shop" }, "sqlite, postgres and mysql databases only")]
    public void Usage_errors_exit_with_2_and_say_what_is_wrong(string[] args, string expected)
    {
        var (code, _, stderr) = Run(args);

        Assert.That(code, Is.EqualTo(SampleCommand.UsageError));
        Assert.That(stderr, Does.Contain(expected));
    }

    [Test]
    public void A_workspace_without_migrations_is_a_usage_error()
    {
        var (code, _, stderr) = Run("generate", "--engine", "sqlite", "--connection", Path.Combine(_tempDirectory, "a.db"),
            "--workspace", _tempDirectory);

        Assert.That(code, Is.EqualTo(SampleCommand.UsageError));
        Assert.That(stderr, Does.Contain("has no migrations folder"));
    }

    [Test]
    public void Generates_a_sqlite_database_and_refuses_to_fill_it_twice()
    {
        var path = Path.Combine(_tempDirectory, "shop.db");

        var (code, stdout, stderr) = Run("sample", "generate", "--engine", "sqlite", "--connection", path, "--rows", "100",
            "--workspace", SampleWorkspace());

        Assert.That(code, Is.EqualTo(SampleCommand.Success), stderr);
        Assert.That(stdout, Does.Contain("orders: 100 rows"));
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT count(*) FROM orders";
            Assert.That(command.ExecuteScalar(), Is.EqualTo(100L));
        }

        var again = Run("generate", "--engine", "sqlite", "--connection", path, "--rows", "100", "--workspace", SampleWorkspace());
        Assert.That(again.Code, Is.EqualTo(SampleCommand.Failure));
        Assert.That(again.Stderr, Does.Contain("not empty").And.Contain("--force"));

        var forced = Run("generate", "--engine", "sqlite", "--connection", path, "--rows", "50", "--force",
            "--workspace", SampleWorkspace());
        Assert.That(forced.Code, Is.EqualTo(SampleCommand.Success), forced.Stderr);
        Assert.That(forced.Stdout, Does.Contain("orders: 50 rows"));
    }

    [Test]
    public void An_unreachable_database_fails_with_a_message_that_does_not_show_the_password()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var (code, _, stderr) = Run("generate", "--engine", "postgres",
            "--connection", "Host=127.0.0.1;Port=1;Database=shop;Username=shop;Password=s3cret-Pa55;Timeout=3",
            "--workspace", SampleWorkspace("postgres"));

        Assert.That(code, Is.EqualTo(SampleCommand.Failure));
        Assert.That(stderr, Does.StartWith("dbagent-sample: "));
        Assert.That(stderr, Does.Not.Contain("s3cret-Pa55"));
    }

    [Test]
    public void A_url_names_the_engine_and_its_password_stays_out_of_the_message()
    {
        var (code, _, stderr) = Run("generate", "--connection", "postgres://shop:An0ther-s3cret@127.0.0.1:1/shop",
            "--workspace", SampleWorkspace("postgres"));

        Assert.That(code, Is.EqualTo(SampleCommand.Failure), "the engine came from the URL, so the run got as far as connecting");
        Assert.That(stderr, Does.StartWith("dbagent-sample: "));
        Assert.That(stderr, Does.Not.Contain("An0ther-s3cret"));
    }

    [Test]
    public void A_sqlite_url_creates_the_file()
    {
        var path = Path.Combine(_tempDirectory, "from-url.db");

        var (code, stdout, stderr) = Run("generate", "--connection", "sqlite:" + path, "--rows", "20", "--workspace", SampleWorkspace());

        Assert.That(code, Is.EqualTo(SampleCommand.Success), stderr);
        Assert.That(stdout, Does.Contain("orders: 20 rows"));
        Assert.That(File.Exists(path), Is.True);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = SampleCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string SampleWorkspace(string? engine = null)
    {
        var relative = engine is null ? "samples/workspace" : $"samples/workspace-{engine}";
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(Path.Combine(candidate, "migrations"))) return candidate;
        }
        throw new DirectoryNotFoundException($"{relative} not found above {TestContext.CurrentContext.TestDirectory}");
    }
}
