using DbAgent.Sql.Migrations;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Tests.Migrations;

public class MigrationDiscoveryTests
{
    private string _root = "";

    [SetUp]
    public void CreateWorkspace()
    {
        _root = Path.Combine(Path.GetTempPath(), "dbagent-migrations-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void DeleteWorkspace()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string Write(string relativePath, string text = "SELECT 1;")
    {
        var path = Path.Combine(_root, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static IEnumerable<string> Names(MigrationSet set) => set.Files.Select(f => Path.GetRelativePath(set.Directory, f.Path).Replace('\\', '/'));

    [Test]
    public void Flyway_versions_order_numerically_and_repeatables_come_last()
    {
        foreach (var name in new[] { "V10__ten.sql", "V2__two.sql", "V1__init.sql", "V1.1__patch.sql", "V1_2__underscore.sql", "R__views.sql", "U2__undo_two.sql" })
            Write("src/main/resources/db/migration/" + name);
        var set = MigrationDiscovery.Discover(_root).Single();
        Assert.That(set.Tool, Is.EqualTo(MigrationTool.Flyway));
        Assert.That(Names(set), Is.EqualTo(new[] { "V1__init.sql", "V1.1__patch.sql", "V1_2__underscore.sql", "V2__two.sql", "V10__ten.sql", "R__views.sql" }));
        Assert.That(set.Files[^1].Repeatable, Is.True);
    }

    [Test]
    public void Golang_migrate_reads_up_files_only()
    {
        foreach (var name in new[] { "10_c.up.sql", "10_c.down.sql", "9_b.up.sql", "9_b.down.sql", "000001_a.up.sql", "000001_a.down.sql" })
            Write("db/migrations/" + name);
        var set = MigrationDiscovery.Discover(_root).Single();
        Assert.That(set.Tool, Is.EqualTo(MigrationTool.GolangMigrate));
        Assert.That(Names(set), Is.EqualTo(new[] { "000001_a.up.sql", "9_b.up.sql", "10_c.up.sql" }));
    }

    [Test]
    public void Numbered_files_in_a_migrations_folder_order_by_number_not_by_name()
    {
        foreach (var name in new[] { "2_users.sql", "10_orders.sql", "1_init.sql", "README.sql" })
            Write("migrations/" + name);
        Write("queries/1_report.sql"); // not a migrations folder
        var set = MigrationDiscovery.Discover(_root).Single();
        Assert.That(set.Tool, Is.EqualTo(MigrationTool.Numbered));
        Assert.That(Names(set), Is.EqualTo(new[] { "1_init.sql", "2_users.sql", "10_orders.sql" }));
    }

    [Test]
    public void Prisma_reads_migration_sql_of_each_timestamped_folder()
    {
        Write("prisma/migrations/20240301000000_add_posts/migration.sql");
        Write("prisma/migrations/20240101000000_init/migration.sql");
        Write("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"");
        var set = MigrationDiscovery.Discover(_root).Single();
        Assert.That(set.Tool, Is.EqualTo(MigrationTool.Prisma));
        Assert.That(Names(set), Is.EqualTo(new[] { "20240101000000_init/migration.sql", "20240301000000_add_posts/migration.sql" }));
    }

    [Test]
    public void Rails_style_timestamps_and_dbmate_sections()
    {
        Write("db/migrate/20240102000000_second.sql");
        Write("db/migrate/20231231235959_first.sql");
        var set = MigrationDiscovery.Discover(_root).Single();
        Assert.That(set.Tool, Is.EqualTo(MigrationTool.Timestamped));
        Assert.That(Names(set), Is.EqualTo(new[] { "20231231235959_first.sql", "20240102000000_second.sql" }));

        var dbmate = Write("db/dbmate/20240101000000_create.sql", "-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\nDROP TABLE t;\n");
        var dbmateSet = MigrationDiscovery.Discover(_root).Single(s => s.Directory.EndsWith("dbmate", StringComparison.Ordinal));
        Assert.That(dbmateSet.Tool, Is.EqualTo(MigrationTool.Dbmate));
        var text = File.ReadAllText(dbmate);
        Assert.That(text[..MigrationDiscovery.UpSectionLength(dbmateSet.Files[0], text)], Does.Not.Contain("DROP"));
    }

    [Test]
    public void Ignores_dependency_folders_and_missing_workspaces()
    {
        Write("node_modules/pkg/migrations/1_x.sql");
        Assert.That(MigrationDiscovery.Discover(_root), Is.Empty);
        Assert.That(MigrationDiscovery.Discover(Path.Combine(_root, "does-not-exist")), Is.Empty);
    }

    [Test]
    public void Versions_compare_as_numbers()
    {
        Assert.That(MigrationVersion.Parse("2").CompareTo(MigrationVersion.Parse("10")), Is.LessThan(0));
        Assert.That(MigrationVersion.Parse("1.10").CompareTo(MigrationVersion.Parse("1.9")), Is.GreaterThan(0));
        Assert.That(MigrationVersion.Parse("001").CompareTo(MigrationVersion.Parse("1")), Is.EqualTo(0));
        Assert.That(MigrationVersion.Parse("99999999999999999999999").CompareTo(MigrationVersion.Parse("100000000000000000000000")), Is.LessThan(0));
    }

    [Test]
    public void Replay_runs_files_in_order_with_a_result_per_file()
    {
        Write("migrations/1_init.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        Write("migrations/2_more.sql", "INSERT INTO users VALUES (1);\nCREATE TABLE posts (id int);");
        var set = MigrationDiscovery.Discover(_root).Single();
        var result = MigrationReplay.Replay(set, SqlDialect.Postgres);
        Assert.That(result.Files.Select(f => Path.GetFileName(f.File.Path)), Is.EqualTo(new[] { "1_init.sql", "2_more.sql" }));
        Assert.That(result.Files.All(f => f.ReadError is null), Is.True);
        Assert.That(result.Files[0].DocumentUri, Does.StartWith("file:///").And.EndWith("/migrations/1_init.sql"));
        // Until the parser fills DDL actions, CREATE TABLE statements are listed as skipped; once it does, they build tables.
        foreach (var file in result.Files)
        {
            var creates = SqlScript.Parse(File.ReadAllText(file.File.Path), SqlDialect.Postgres).Statements.Count(s => s.Model.Kind == DbAgent.Sql.Semantics.StatementKind.CreateTable);
            Assert.That(file.Replay.StatementsApplied + file.Replay.Skipped.Count, Is.EqualTo(creates), file.File.Path);
            Assert.That(file.Replay.Skipped.All(s => s.DocumentUri == file.DocumentUri), Is.True);
        }
        Assert.That(result.Schema.Tables.Count + result.Files.Sum(f => f.Replay.Skipped.Count), Is.EqualTo(2));
    }
}
