using System.Security.Cryptography;
using System.Text;
using DbAgent.SampleData;
using DbAgent.Sql;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Databases.Tests.Samples;

[TestFixture]
public sealed class SampleDataGeneratorTests
{
    private string _tempDirectory = null!;

    [SetUp]
    public void CreateTempDirectory()
    {
        _tempDirectory = Path.Combine(Path.GetTempPath(), "dbagent-sample-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_tempDirectory);
    }

    [TearDown]
    public void DeleteTempDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_tempDirectory, recursive: true);
    }

    [Test]
    public async Task Sqlite_applies_the_migrations_and_loads_every_table()
    {
        var path = Path.Combine(_tempDirectory, "shop.db");
        var size = SampleSize.ForOrders(8_000);

        var result = await SampleDataGenerator.GenerateAsync(Options(SqlDialect.Sqlite, path, size));

        await using var db = OpenSqlite(path);
        Assert.That(await ScalarAsync(db, "SELECT count(*) FROM customers"), Is.EqualTo(2_000));
        Assert.That(await ScalarAsync(db, "SELECT count(*) FROM products"), Is.EqualTo(800));
        Assert.That(await ScalarAsync(db, "SELECT count(*) FROM orders"), Is.EqualTo(8_000));
        Assert.That(await ScalarAsync(db, "SELECT count(*) FROM events"), Is.EqualTo(8_000));
        var lines = await ScalarAsync(db, "SELECT count(*) FROM order_items");
        Assert.That(lines, Is.InRange(2.5 * 8_000, 3.5 * 8_000), "one to five lines per order, three on average");
        Assert.That(result.Tables.Select(t => (t.Table, t.Rows)), Is.EqualTo(new[]
        {
            ("customers", 2_000L), ("products", 800L), ("orders", 8_000L), ("order_items", lines), ("events", 8_000L),
        }));
        // The migrations' indexes exist, and ANALYZE has filled sqlite_stat1 for them.
        Assert.That(await ScalarAsync(db,
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'idx_orders_customer_ordered_at'"), Is.EqualTo(1));
        Assert.That(await ScalarAsync(db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'orders'"), Is.GreaterThan(0));
    }

    [Test]
    public async Task Sqlite_data_is_consistent_and_has_what_the_sample_queries_look_for()
    {
        var path = Path.Combine(_tempDirectory, "shop.db");
        await SampleDataGenerator.GenerateAsync(Options(SqlDialect.Sqlite, path, SampleSize.ForOrders(8_000)));

        await using var db = OpenSqlite(path);
        Assert.That(await ScalarAsync(db,
            "SELECT count(*) FROM orders o WHERE total_cents <> " +
            "(SELECT sum(quantity * unit_price_cents) FROM order_items i WHERE i.order_id = o.id)"), Is.Zero,
            "an order's total is the sum of its lines");
        Assert.That(await ScalarAsync(db,
            "SELECT count(*) FROM order_items i LEFT JOIN products p ON p.id = i.product_id WHERE p.id IS NULL"), Is.Zero);
        Assert.That(await ScalarAsync(db,
            "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL"), Is.Zero);
        Assert.That(await ScalarAsync(db,
            "SELECT count(*) FROM customers WHERE id = 1815 AND email = 'ada.lovelace.1815@example.com'"), Is.EqualTo(1));
        // Rare enough that an index would pay off, present enough that the query returns rows.
        var coupon = await ScalarAsync(db, "SELECT count(*) FROM orders WHERE coupon_code = 'SPRING24'");
        Assert.That(coupon, Is.InRange(1, 8_000 / 50));
        Assert.That(await ScalarAsync(db, "SELECT count(*) FROM customers WHERE last_name LIKE '%son'"), Is.GreaterThan(0));
        // A checkout event names an order of the same customer, placed within a day of the event.
        Assert.That(await ScalarAsync(db, "SELECT count(*) FROM events WHERE kind = 'checkout'"), Is.GreaterThan(0));
        Assert.That(await ScalarAsync(db,
            "SELECT count(*) FROM events e JOIN orders o ON o.id = e.order_id " +
            "WHERE e.customer_id <> o.customer_id OR abs(julianday(e.occurred_at) - julianday(o.ordered_at)) > 1"), Is.Zero);
        // Dates follow ids, as in a table filled over time (what makes the ordered_at index worth having).
        Assert.That(await ScalarAsync(db,
            "SELECT count(*) FROM orders a JOIN orders b ON b.id = a.id + 100 WHERE b.ordered_at < a.ordered_at"), Is.Zero);
    }

    [Test]
    public async Task Same_seed_gives_the_same_database_and_another_seed_does_not()
    {
        var size = SampleSize.ForOrders(2_000);
        var first = Path.Combine(_tempDirectory, "first.db");
        var second = Path.Combine(_tempDirectory, "second.db");
        var other = Path.Combine(_tempDirectory, "other.db");

        await SampleDataGenerator.GenerateAsync(Options(SqlDialect.Sqlite, first, size));
        await SampleDataGenerator.GenerateAsync(Options(SqlDialect.Sqlite, second, size));
        await SampleDataGenerator.GenerateAsync(Options(SqlDialect.Sqlite, other, size) with { Seed = 7 });

        var firstDigest = await ContentDigestAsync(first);
        Assert.That(await ContentDigestAsync(second), Is.EqualTo(firstDigest));
        Assert.That(await ContentDigestAsync(other), Is.Not.EqualTo(firstDigest));
    }

    [Test]
    public async Task Refuses_a_database_that_already_has_tables_and_leaves_it_alone()
    {
        var path = Path.Combine(_tempDirectory, "someone-elses.db");
        await using (var db = OpenSqlite(path))
        {
            await ExecuteAsync(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER); INSERT INTO invoices VALUES (1, 42)");
        }

        var error = Assert.ThrowsAsync<SampleTargetNotEmptyException>(() =>
            SampleDataGenerator.GenerateAsync(Options(SqlDialect.Sqlite, path, SampleSize.ForOrders(100))));

        Assert.That(error!.Tables, Is.EqualTo(new[] { "invoices" }));
        Assert.That(error.Message, Does.Contain("--force"));
        await using var check = OpenSqlite(path);
        Assert.That(await ScalarAsync(check, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), Is.EqualTo(1));
        Assert.That(await ScalarAsync(check, "SELECT amount FROM invoices"), Is.EqualTo(42));
    }

    [Test]
    public async Task Force_replaces_the_sample_tables_and_keeps_other_tables()
    {
        var path = Path.Combine(_tempDirectory, "shop.db");
        await SampleDataGenerator.GenerateAsync(Options(SqlDialect.Sqlite, path, SampleSize.ForOrders(400)));
        await using (var db = OpenSqlite(path))
        {
            await ExecuteAsync(db, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
        }

        await SampleDataGenerator.GenerateAsync(Options(SqlDialect.Sqlite, path, SampleSize.ForOrders(200)) with { Force = true });

        await using var check = OpenSqlite(path);
        Assert.That(await ScalarAsync(check, "SELECT count(*) FROM orders"), Is.EqualTo(200));
        Assert.That(await ScalarAsync(check, "SELECT count(*) FROM notes WHERE body = 'keep me'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Sqlite_run_that_fails_leaves_an_empty_database()
    {
        var path = Path.Combine(_tempDirectory, "shop.db");
        using var cancellation = new CancellationTokenSource();

        Assert.CatchAsync<OperationCanceledException>(() => SampleDataGenerator.GenerateAsync(
            Options(SqlDialect.Sqlite, path, SampleSize.ForOrders(400)), CancelAfterCustomers(cancellation), cancellation.Token));

        await using var db = OpenSqlite(path);
        Assert.That(await ScalarAsync(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), Is.Zero);
    }

    [Test]
    public void Migration_files_are_ordered_by_name_and_undo_scripts_are_left_out()
    {
        foreach (var name in new[] { "V002__b.sql", "V010__c.sql", "V001__a.sql", "U002__b.sql", "V003__x.down.sql", "notes.txt" })
            File.WriteAllText(Path.Combine(_tempDirectory, name), "-- x");

        var files = SampleDataGenerator.MigrationFiles(_tempDirectory).Select(Path.GetFileName);

        Assert.That(files, Is.EqualTo(new[] { "V001__a.sql", "V002__b.sql", "V010__c.sql" }));
    }

    [Test]
    public void The_default_size_is_the_one_plans_need()
    {
        var size = SampleSize.Default;
        Assert.That((size.Orders, size.Customers, size.Products, size.Events), Is.EqualTo((200_000, 50_000, 20_000, 200_000)));
        Assert.That(() => SampleSize.ForOrders(SampleSize.MinimumOrders - 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task Postgres_loads_the_sample_into_the_current_schema()
    {
        var connection = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(connection))
            Assert.Ignore("DBAGENT_TEST_POSTGRES is not set (.ci/run sets it after starting PostgreSQL 15)");

        var schema = "sample_" + Guid.NewGuid().ToString("N")[..10];
        await using var admin = new NpgsqlConnection(connection);
        await admin.OpenAsync();
        await ExecuteAsync(admin, $"CREATE SCHEMA {schema}");
        try
        {
            var target = new NpgsqlConnectionStringBuilder(connection) { SearchPath = schema }.ConnectionString;
            var result = await SampleDataGenerator.GenerateAsync(Options(SqlDialect.Postgres, target, SampleSize.ForOrders(3_000)));

            Assert.That(await ScalarAsync(admin, $"SELECT count(*) FROM {schema}.customers"), Is.EqualTo(750));
            Assert.That(await ScalarAsync(admin, $"SELECT count(*) FROM {schema}.orders"), Is.EqualTo(3_000));
            Assert.That(await ScalarAsync(admin, $"SELECT count(*) FROM {schema}.order_items"),
                Is.EqualTo(result.Tables.Single(t => t.Table == "order_items").Rows));
            Assert.That(await ScalarAsync(admin, $"SELECT count(*) FROM {schema}.events"), Is.EqualTo(3_000));
            // Enums and timestamps went through binary COPY intact.
            Assert.That(await ScalarAsync(admin,
                $"SELECT count(*) FROM {schema}.customers WHERE id = 1 AND status::text IN ('active', 'suspended', 'closed')"),
                Is.EqualTo(1));
            Assert.That(await ScalarAsync(admin,
                $"SELECT count(*) FROM {schema}.orders WHERE ordered_at < '2023-01-01' OR ordered_at >= '2026-01-01'"), Is.Zero);
            // ANALYZE ran, and the identity sequences moved past the loaded ids.
            Assert.That(await ScalarAsync(admin,
                $"SELECT count(*) FROM pg_stats WHERE schemaname = '{schema}' AND tablename = 'orders'"), Is.GreaterThan(0));
            Assert.That(await ScalarAsync(admin,
                $"INSERT INTO {schema}.products (sku, name, category, price_cents, created_at) " +
                "VALUES ('NEW-1', 'New', 'office', 100, now()) RETURNING id"), Is.EqualTo(301));
            Assert.ThrowsAsync<SampleTargetNotEmptyException>(() =>
                SampleDataGenerator.GenerateAsync(Options(SqlDialect.Postgres, target, SampleSize.ForOrders(100))));

            // A run that fails half way (here: cancelled after the first table) takes its tables and types away again.
            using var cancellation = new CancellationTokenSource();
            Assert.CatchAsync<OperationCanceledException>(() => SampleDataGenerator.GenerateAsync(
                Options(SqlDialect.Postgres, target, SampleSize.ForOrders(100)) with { Force = true },
                CancelAfterCustomers(cancellation), cancellation.Token));
            Assert.That(await ScalarAsync(admin,
                $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema}'"), Is.Zero);
            Assert.That(await ScalarAsync(admin,
                $"SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = '{schema}'"), Is.Zero);
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP SCHEMA {schema} CASCADE");
        }
    }

    [Test]
    public async Task MySql_loads_the_sample_into_its_database()
    {
        var connection = Environment.GetEnvironmentVariable("DBAGENT_TEST_MYSQL");
        if (string.IsNullOrWhiteSpace(connection))
            Assert.Ignore("DBAGENT_TEST_MYSQL is not set (.ci/run sets it after starting MariaDB)");

        // A scratch database beside the test one (.ci/run grants dbagent_test_*), so nothing else is in the way.
        var database = "dbagent_test_sample_" + Guid.NewGuid().ToString("N")[..10];
        await using var admin = new MySqlConnection(connection);
        await admin.OpenAsync();
        await ExecuteAsync(admin, $"CREATE DATABASE {database}");
        try
        {
            var target = new MySqlConnectionStringBuilder(connection) { Database = database }.ConnectionString;
            var result = await SampleDataGenerator.GenerateAsync(Options(SqlDialect.MySql, target, SampleSize.ForOrders(3_000)));

            Assert.That(await ScalarAsync(admin, $"SELECT count(*) FROM {database}.customers"), Is.EqualTo(750));
            Assert.That(await ScalarAsync(admin, $"SELECT count(*) FROM {database}.orders"), Is.EqualTo(3_000));
            Assert.That(await ScalarAsync(admin, $"SELECT count(*) FROM {database}.order_items"),
                Is.EqualTo(result.Tables.Single(t => t.Table == "order_items").Rows));
            Assert.That(await ScalarAsync(admin, $"SELECT count(*) FROM {database}.events"), Is.EqualTo(3_000));
            Assert.That(await ScalarAsync(admin,
                $"SELECT count(*) FROM {database}.orders o WHERE total_cents <> " +
                $"(SELECT sum(quantity * unit_price_cents) FROM {database}.order_items i WHERE i.order_id = o.id)"), Is.Zero);
            Assert.That(await ScalarAsync(admin,
                $"SELECT count(*) FROM {database}.customers WHERE id = 1815"), Is.Zero, "750 customers stop before Ada");
            Assert.ThrowsAsync<SampleTargetNotEmptyException>(() =>
                SampleDataGenerator.GenerateAsync(Options(SqlDialect.MySql, target, SampleSize.ForOrders(100))));

            using var cancellation = new CancellationTokenSource();
            Assert.CatchAsync<OperationCanceledException>(() => SampleDataGenerator.GenerateAsync(
                Options(SqlDialect.MySql, target, SampleSize.ForOrders(100)) with { Force = true },
                CancelAfterCustomers(cancellation), cancellation.Token));
            Assert.That(await ScalarAsync(admin,
                $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{database}'"), Is.Zero);
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP DATABASE {database}");
        }
    }

    /// <summary>A log callback that cancels the run once the first table is loaded.</summary>
    private static Action<string> CancelAfterCustomers(CancellationTokenSource cancellation) =>
        line =>
        {
            if (line.StartsWith("customers:", StringComparison.Ordinal)) cancellation.Cancel();
        };

    private static SampleGenerationOptions Options(SqlDialect engine, string connection, SampleSize size) =>
        new(engine, connection, Workspace(engine), size);

    /// <summary>The repository's sample migrations, found above the test binaries.</summary>
    private static string Workspace(SqlDialect engine)
    {
        var relative = engine switch
        {
            SqlDialect.Postgres => "samples/workspace-postgres/migrations",
            SqlDialect.MySql => "samples/workspace-mysql/migrations",
            _ => "samples/workspace/migrations",
        };
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"{relative} not found above {TestContext.CurrentContext.TestDirectory}");
    }

    private static SqliteConnection OpenSqlite(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        return db;
    }

    /// <summary>A SHA-256 over every row of every sample table, in id order.</summary>
    private static async Task<string> ContentDigestAsync(string path)
    {
        await using var db = OpenSqlite(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var table in SampleShop.Tables)
        {
            await using var command = db.CreateCommand();
            command.CommandText = $"SELECT * FROM {table.Name} ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    hash.AppendData(Encoding.UTF8.GetBytes((reader.IsDBNull(i) ? "\0" : reader.GetValue(i).ToString()) + "\u001f"));
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
