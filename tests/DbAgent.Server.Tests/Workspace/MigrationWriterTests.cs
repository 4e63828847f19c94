using DbAgent.Server.Workspace;
using DbAgent.Sql.Migrations;

namespace DbAgent.Server.Tests.Workspace;

[TestFixture]
public sealed class MigrationWriterTests
{
    private string _dir = null!;
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 1, 2, 3, TimeSpan.Zero);

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "dbagent-migrations-" + Guid.NewGuid().ToString("N"), "migrations");
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);

    private MigrationSet Folder(params string[] names)
    {
        foreach (var name in names)
        {
            var path = Path.Combine(_dir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, name.Contains("dbmate") ? "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n" : "CREATE TABLE t (id int);\n");
        }
        return MigrationDiscovery.Classify(_dir) ?? throw new AssertionException("not recognised as a migration folder");
    }

    [Test]
    public void Numbered_folders_get_the_next_number_with_the_same_padding_and_the_way_back_as_a_comment()
    {
        var set = Folder("001_init.sql", "009_orders.sql");
        var files = MigrationWriter.Create(set, "add ix_orders_customer_id", "CREATE INDEX ix_orders_customer_id ON orders (customer_id);", "DROP INDEX ix_orders_customer_id;", Now);
        var file = files.Single();
        Assert.That(Path.GetFileName(file.Path), Is.EqualTo("010_add_ix_orders_customer_id.sql"));
        Assert.That(file.Content, Does.StartWith("CREATE INDEX ix_orders_customer_id ON orders (customer_id);"));
        Assert.That(file.Content, Does.Contain("-- DROP INDEX ix_orders_customer_id;"));
        // The new file sorts after the others as the tool orders them.
        File.WriteAllText(file.Path, file.Content);
        Assert.That(MigrationDiscovery.Classify(_dir)!.Files[^1].Path, Is.EqualTo(file.Path));
    }

    [Test]
    public void Flyway_versions_continue_after_the_highest()
    {
        var set = Folder("V1__init.sql", "V2__orders.sql", "V10__customers.sql");
        var file = MigrationWriter.Create(set, "add ix", "CREATE INDEX ix ON t (a);", "DROP INDEX ix;", Now).Single();
        Assert.That(Path.GetFileName(file.Path), Is.EqualTo("V11__add_ix.sql"));
    }

    [Test]
    public void Golang_migrate_gets_an_up_and_a_down_file()
    {
        var set = Folder("000001_init.up.sql", "000001_init.down.sql", "000002_orders.up.sql", "000002_orders.down.sql");
        var files = MigrationWriter.Create(set, "add ix", "CREATE INDEX ix ON t (a);", "DROP INDEX ix;", Now);
        Assert.That(files.Select(f => Path.GetFileName(f.Path)), Is.EqualTo(new[] { "000003_add_ix.up.sql", "000003_add_ix.down.sql" }));
        Assert.That(files[1].Content.Trim(), Is.EqualTo("DROP INDEX ix;"));
    }

    [Test]
    public void Dbmate_gets_a_timestamped_file_with_up_and_down_sections()
    {
        var set = Folder("20240101000000_dbmate_init.sql");
        Assert.That(set.Tool, Is.EqualTo(MigrationTool.Dbmate));
        var file = MigrationWriter.Create(set, "add ix", "CREATE INDEX ix ON t (a);", "DROP INDEX ix;", Now).Single();
        Assert.That(Path.GetFileName(file.Path), Is.EqualTo("20261124010203_add_ix.sql"));
        Assert.That(file.Content, Does.Match(@"(?s)^-- migrate:up\s+CREATE INDEX ix ON t \(a\);\s+-- migrate:down\s+DROP INDEX ix;"));
    }

    [Test]
    public void Slugs_are_file_name_safe()
    {
        Assert.That(MigrationWriter.Slug("Add \"IX\" on orders(customer_id)!"), Is.EqualTo("add_ix_on_orders_customer_id"));
        Assert.That(MigrationWriter.Slug("***"), Is.EqualTo("migration"));
    }
}
