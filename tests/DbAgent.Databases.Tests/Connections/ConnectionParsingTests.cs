using System.Collections;
using System.Text.Json;
using DbAgent.Databases.Connections;

namespace DbAgent.Databases.Tests.Connections;

public class ConnectionParsingTests
{
    [Test]
    public void Postgres_url_gives_every_part_and_keeps_the_password_out_of_the_connection_string()
    {
        var t = ConnectionTargetParser.FromUrl("postgres://app:s3cr%40t@db.example.org:6543/shop?sslmode=require", "main");
        Assert.Multiple(() =>
        {
            Assert.That(t.Engine, Is.EqualTo(DatabaseEngine.Postgres));
            Assert.That(t.Host, Is.EqualTo("db.example.org"));
            Assert.That(t.Port, Is.EqualTo(6543));
            Assert.That(t.Database, Is.EqualTo("shop"));
            Assert.That(t.User, Is.EqualTo("app"));
            Assert.That(t.Password, Is.EqualTo("s3cr@t"));
            Assert.That(t.ConnectionString, Is.Null);
            Assert.That(t.Options["sslmode"], Is.EqualTo("require"));
            Assert.That(t.ToString(), Does.Not.Contain("s3cr"));
        });
        var driver = DriverConnectionStrings.Build(t);
        Assert.That(driver, Does.Contain("SSL Mode=Require").And.Contain("Port=6543"));
    }

    [TestCase("postgresql://u@localhost/db", DatabaseEngine.Postgres, "localhost", null, "db")]
    [TestCase("mysql://root@127.0.0.1:3307/shop", DatabaseEngine.MySql, "127.0.0.1", 3307, "shop")]
    [TestCase("mariadb://root@127.0.0.1/shop", DatabaseEngine.MySql, "127.0.0.1", null, "shop")]
    [TestCase("sqlserver://sa@sql.local:1433;databaseName=shop;encrypt=false", DatabaseEngine.SqlServer, "sql.local", 1433, "shop")]
    [TestCase("mssql://sa@sql.local/shop", DatabaseEngine.SqlServer, "sql.local", null, "shop")]
    [TestCase("postgres://u@[::1]:5433/db", DatabaseEngine.Postgres, "::1", 5433, "db")]
    public void Urls_of_each_engine(string url, DatabaseEngine engine, string host, int? port, string database)
    {
        var t = ConnectionTargetParser.FromUrl(url, "x");
        Assert.That((t.Engine, t.Host, t.Port, t.Database), Is.EqualTo((engine, host, port, database)));
    }

    [TestCase("sqlite:data/shop.db", "data/shop.db")]
    [TestCase("sqlite:///var/lib/shop.db", "/var/lib/shop.db")]
    [TestCase("file:shop.db", "shop.db")]
    [TestCase("file:///tmp/a%20b.db", "/tmp/a b.db")]
    public void Sqlite_urls_name_the_file(string url, string path)
    {
        var t = ConnectionTargetParser.FromUrl(url, "lite");
        Assert.That((t.Engine, t.Database), Is.EqualTo((DatabaseEngine.Sqlite, path)));
    }

    [Test]
    public void Bad_urls_give_a_clear_message_without_the_password()
    {
        var e = Assert.Throws<ConnectionConfigurationException>(() => ConnectionTargetParser.FromUrl("postgres://u:hunter2@host:notaport/db", "x"));
        Assert.That(e!.Message, Does.Contain("port").And.Not.Contain("hunter2"));
        var e2 = Assert.Throws<ConnectionConfigurationException>(() => ConnectionTargetParser.FromUrl("oracle://u:hunter2@host/db", "x"));
        Assert.That(e2!.Message, Does.Contain("scheme").And.Not.Contain("hunter2"));
    }

    [Test]
    public void AdoNet_strings_of_each_engine_through_the_drivers_builders()
    {
        var pg = ConnectionTargetParser.FromConnectionString("Host=pg.local;Port=5433;Database=shop;Username=app;Password=pw1", null, "pg");
        var my = ConnectionTargetParser.FromConnectionString("Server=my.local;Port=3307;Database=shop;User ID=app;Password=pw2", DatabaseEngine.MySql, "my");
        var ms = ConnectionTargetParser.FromConnectionString("Data Source=tcp:ms.local,1444;Initial Catalog=shop;User ID=sa;Password=pw3;TrustServerCertificate=True", null, "ms");
        var lite = ConnectionTargetParser.FromConnectionString("Data Source=/tmp/shop.db", null, "lite");
        Assert.Multiple(() =>
        {
            Assert.That((pg.Engine, pg.Host, pg.Port, pg.Database, pg.User, pg.Password), Is.EqualTo((DatabaseEngine.Postgres, "pg.local", (int?)5433, "shop", "app", "pw1")));
            Assert.That((my.Engine, my.Host, my.Port, my.Database, my.User, my.Password), Is.EqualTo((DatabaseEngine.MySql, "my.local", (int?)3307, "shop", "app", "pw2")));
            Assert.That((ms.Engine, ms.Host, ms.Port, ms.Database, ms.User, ms.Password), Is.EqualTo((DatabaseEngine.SqlServer, "ms.local", (int?)1444, "shop", "sa", "pw3")));
            Assert.That((lite.Engine, lite.Database), Is.EqualTo((DatabaseEngine.Sqlite, "/tmp/shop.db")));
            foreach (var t in new[] { pg, my, ms })
                Assert.That(t.ConnectionString, Does.Not.Contain("pw"), "the stored string is shown; the password lives apart");
        });
        Assert.That(DriverConnectionStrings.Build(pg), Does.Contain("Password=pw1"));
        Assert.That(DriverConnectionStrings.Build(ms), Does.Contain("pw3").And.Contain("ms.local,1444"));
    }

    [Test]
    public void Settings_objects_from_json()
    {
        using var doc = JsonDocument.Parse("""
            [ { "name": "shop", "engine": "postgres", "host": "localhost", "port": 5432, "database": "shop", "user": "app", "readOnly": true, "folders": ["db/shop"] },
              { "name": "legacy", "connectionString": "mysql://root@localhost/legacy", "readOnly": false },
              42 ]
            """);
        var settings = ConnectionSettings.ListFromJson(doc.RootElement);
        Assert.That(settings, Has.Count.EqualTo(2));
        var shop = ConnectionTargetParser.FromSettings(settings[0]);
        var legacy = ConnectionTargetParser.FromSettings(settings[1], 1);
        Assert.Multiple(() =>
        {
            Assert.That((shop.Name, shop.Engine, shop.Host, shop.Port, shop.Database, shop.User, shop.ReadOnly), Is.EqualTo(("shop", DatabaseEngine.Postgres, "localhost", (int?)5432, "shop", "app", true)));
            Assert.That(shop.Folders, Is.EqualTo(new[] { "db/shop" }));
            Assert.That((legacy.Engine, legacy.Database, legacy.ReadOnly), Is.EqualTo((DatabaseEngine.MySql, "legacy", false)));
        });
        Assert.Throws<ConnectionConfigurationException>(() => ConnectionTargetParser.FromSettings(new ConnectionSettings { Name = "x", Engine = "oracle" }));
        Assert.Throws<ConnectionConfigurationException>(() => ConnectionTargetParser.FromSettings(new ConnectionSettings { Name = "x" }));
    }

    [Test]
    public void Environment_variables_of_each_engine()
    {
        var env = new Hashtable
        {
            ["DATABASE_URL"] = "postgres://u:envpw@envhost:5999/envdb",
            ["PGHOST"] = "pghost", ["PGPORT"] = "5433", ["PGDATABASE"] = "pgdb", ["PGUSER"] = "pguser", ["PGPASSWORD"] = "pgpw",
            ["MYSQL_HOST"] = "myhost", ["MYSQL_TCP_PORT"] = "3307", ["MYSQL_PWD"] = "mypw", ["MYSQL_DATABASE"] = "mydb",
        };
        var targets = ConnectionTargetParser.FromEnvironment(env);
        Assert.That(targets.Select(t => t.Name), Is.EqualTo(new[] { "DATABASE_URL", "PGHOST", "MYSQL_HOST" }));
        Assert.That((targets[0].Host, targets[0].Port, targets[0].Password), Is.EqualTo(("envhost", (int?)5999, "envpw")));
        Assert.That((targets[1].Host, targets[1].Port, targets[1].Database, targets[1].User, targets[1].Password), Is.EqualTo(("pghost", (int?)5433, "pgdb", "pguser", "pgpw")));
        Assert.That((targets[2].Engine, targets[2].Host, targets[2].Port, targets[2].Password, targets[2].Database), Is.EqualTo((DatabaseEngine.MySql, "myhost", (int?)3307, "mypw", "mydb")));
        Assert.That(ConnectionTargetParser.FromEnvironment(new Hashtable()), Is.Empty);
    }

    [Test]
    public void Resolver_takes_a_name_a_url_a_connection_string_or_a_sqlite_path()
    {
        IReadOnlyList<ConnectionTarget> configured = [new ConnectionTarget("shop", DatabaseEngine.Postgres) { Host = "h" }];
        var empty = new Hashtable();
        Assert.That(ConnectionResolver.Resolve("SHOP", configured, environment: empty).Host, Is.EqualTo("h"));
        Assert.That(ConnectionResolver.Resolve("mysql://u@x/db", configured, environment: empty).Engine, Is.EqualTo(DatabaseEngine.MySql));
        Assert.That(ConnectionResolver.Resolve("Host=a;Database=b;Username=c", configured, environment: empty).Engine, Is.EqualTo(DatabaseEngine.Postgres));
        Assert.That(ConnectionResolver.Resolve("samples/shop.db", configured, environment: empty).Engine, Is.EqualTo(DatabaseEngine.Sqlite));
        Assert.That(ConnectionResolver.Resolve("PGHOST", configured, environment: new Hashtable { ["PGHOST"] = "envpg" }).Host, Is.EqualTo("envpg"));
        var e = Assert.Throws<ConnectionConfigurationException>(() => ConnectionResolver.Resolve("nosuch", configured, environment: empty));
        Assert.That(e!.Message, Does.Contain("shop"));
    }

    [Test]
    public void A_document_uses_the_connection_of_its_longest_folder_prefix()
    {
        IReadOnlyList<string> root = ["/work/app"];
        IReadOnlyList<ConnectionTarget> connections =
        [
            new ConnectionTarget("all-db", DatabaseEngine.Postgres) { Folders = ["db"] },
            new ConnectionTarget("reports", DatabaseEngine.Postgres) { Folders = ["db/reports"] },
            new ConnectionTarget("one-file", DatabaseEngine.Sqlite) { Folders = ["scripts/fix.sql"] },
        ];
        Assert.Multiple(() =>
        {
            Assert.That(ConnectionResolver.ForDocument("/work/app/db/reports/q.sql", connections, root)?.Name, Is.EqualTo("reports"));
            Assert.That(ConnectionResolver.ForDocument("file:///work/app/db/m/001.sql", connections, root)?.Name, Is.EqualTo("all-db"));
            Assert.That(ConnectionResolver.ForDocument("/work/app/scripts/fix.sql", connections, root)?.Name, Is.EqualTo("one-file"));
            Assert.That(ConnectionResolver.ForDocument("/work/app/dbx/q.sql", connections, root), Is.Null, "a prefix of the name is not a folder");
            Assert.That(ConnectionResolver.ForDocument("/work/app/other.sql", connections, root), Is.Null);
        });
        IReadOnlyList<ConnectionTarget> single = [new ConnectionTarget("only", DatabaseEngine.Sqlite)];
        Assert.That(ConnectionResolver.ForDocument("/anywhere/q.sql", single, root)?.Name, Is.EqualTo("only"));
        Assert.That(ConnectionResolver.ForDocument("untitled:Untitled-1", single, root)?.Name, Is.EqualTo("only"), "an unsaved document uses the only unscoped connection");
        Assert.That(ConnectionResolver.ForDocument("untitled:Untitled-1", connections, root), Is.Null, "an unsaved document is in no folder");
    }

    [Test]
    public void A_file_no_folder_claims_uses_the_first_connection_that_names_no_folders()
    {
        IReadOnlyList<string> root = ["/work/app"];
        // What Add Connection leaves behind: the workspace's first connection, then the one just added.
        IReadOnlyList<ConnectionTarget> connections =
        [
            new ConnectionTarget("reports", DatabaseEngine.Postgres) { Folders = ["db/reports"] },
            new ConnectionTarget("shop", DatabaseEngine.Sqlite),
            new ConnectionTarget("added", DatabaseEngine.Sqlite),
        ];
        Assert.Multiple(() =>
        {
            Assert.That(ConnectionResolver.ForDocument("/work/app/queries/q.sql", connections, root)?.Name, Is.EqualTo("shop"));
            Assert.That(ConnectionResolver.ForDocument("untitled:Untitled-1", connections, root)?.Name, Is.EqualTo("shop"));
            Assert.That(ConnectionResolver.ForDocument("/work/app/db/reports/q.sql", connections, root)?.Name, Is.EqualTo("reports"), "a folder still wins");
            Assert.That(ConnectionResolver.FirstUnscoped(connections)?.Name, Is.EqualTo("shop"), "what the chat uses without a document");
        });
    }

    [Test]
    public void A_relative_folder_is_read_from_the_workspace_folder_that_holds_the_document()
    {
        IReadOnlyList<string> folders = ["/work/app", "/work/reports"];
        IReadOnlyList<ConnectionTarget> connections = [new ConnectionTarget("db", DatabaseEngine.Postgres) { Folders = ["db"] }];
        Assert.Multiple(() =>
        {
            Assert.That(ConnectionResolver.ForDocument("file:///work/reports/db/q.sql", connections, folders)?.Name, Is.EqualTo("db"));
            Assert.That(ConnectionResolver.ForDocument("file:///work/app/db/q.sql", connections, folders)?.Name, Is.EqualTo("db"));
            Assert.That(ConnectionResolver.ForDocument("file:///work/reports/q.sql", connections, folders), Is.Null);
        });
    }
}

/// <summary>A bare SQLite path, and the password-free form a pasted connection takes in settings.</summary>
public class ConnectionStringForSettingsTests
{
    [TestCase("shop.db", null)]
    [TestCase("samples/workspace/shop.db", "sqlite")]
    [TestCase("/data/app.sqlite3", null)]
    [TestCase("data/app", "sqlite")]
    public void A_bare_file_path_is_a_sqlite_connection_string(string text, string? engineName)
    {
        DatabaseEngine? engine = engineName is null ? null : DatabaseEngine.Sqlite;
        var target = ConnectionTargetParser.FromSettings(new ConnectionSettings { Name = "local", Engine = engineName, ConnectionString = text });
        Assert.That((target.Engine, target.Database, target.ConnectionString), Is.EqualTo((DatabaseEngine.Sqlite, text, (string?)null)));
        Assert.That(DriverConnectionStrings.Build(target), Does.Contain("Data Source=" + text).And.Contain("Mode=ReadOnly"));
        Assert.That(ConnectionTargetParser.ForSettings(text, engine), Is.EqualTo((DatabaseEngine.Sqlite, text, (string?)null)));
    }

    [Test]
    public void A_path_without_an_engine_or_a_sqlite_extension_is_not_guessed()
    {
        Assert.Throws<ConnectionConfigurationException>(() => ConnectionTargetParser.FromConnectionString("data/app", null, "x"));
        Assert.That(ConnectionTargetParser.IsSqliteFilePath("data/app", DatabaseEngine.Postgres), Is.False);
    }

    [TestCase("postgres://app:s3cr%40t@db.example.org:6543/shop?sslmode=require", null, "postgres://app@db.example.org:6543/shop?sslmode=require", "s3cr@t")]
    [TestCase("postgresql://u@localhost/db", null, "postgres://u@localhost/db", null)]
    [TestCase("mysql://shop:pw@127.0.0.1:3306/shop", null, "mysql://shop@127.0.0.1:3306/shop", "pw")]
    [TestCase("mariadb://shop@[::1]:3306/shop", null, "mysql://shop@[::1]:3306/shop", null)]
    [TestCase("sqlserver://sa:Pa55%3Bw0rd@localhost:1433/erp?encrypt=false", null, "sqlserver://sa@localhost:1433/erp?encrypt=false", "Pa55;w0rd")]
    [TestCase("sqlite:samples/workspace/shop.db", null, "sqlite:samples/workspace/shop.db", null)]
    [TestCase("Host=db;Database=shop;Username=app;Password=s3cr", "postgres", null, "s3cr")]
    [TestCase("Server=localhost,1433;Database=erp;User Id=sa;Password='a;b';TrustServerCertificate=true", "sqlserver", null, "a;b")]
    [TestCase("Server=127.0.0.1;Database=shop;User ID=shop;Password=pw", "mysql", null, "pw")]
    public void A_pasted_connection_keeps_its_form_and_loses_its_password(string text, string? engineName, string? expectedUrl, string? password)
    {
        DatabaseEngine? engine = engineName is null ? null : ConnectionTargetParser.TryParseEngine(engineName, out var e) ? e : throw new ArgumentException(engineName);
        var (parsedEngine, stored, found) = ConnectionTargetParser.ForSettings(text, engine);
        Assert.That(found, Is.EqualTo(password));
        if (password is not null) Assert.That(stored, Does.Not.Contain(password));
        if (expectedUrl is not null) Assert.That(stored, Is.EqualTo(expectedUrl));
        // What is stored reads back into the same target, less the password.
        var original = ConnectionTargetParser.FromConnectionString(text, engine, "x");
        var again = ConnectionTargetParser.FromConnectionString(stored, parsedEngine, "x");
        Assert.That((again.Engine, again.Host, again.Port, again.Database, again.User, again.Password),
            Is.EqualTo((original.Engine, original.Host, original.Port, original.Database, original.User, (string?)null)));
        Assert.That(again.Options, Is.EquivalentTo(original.Options));
    }
}
