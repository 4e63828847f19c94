using DbAgent.Analysis.Plans;
using DbAgent.Databases.Catalog;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.SqlServer;
using DbAgent.Databases.Plans;
using DbAgent.Databases.Tests.Support;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using Microsoft.Data.SqlClient;

namespace DbAgent.Databases.Tests.Engines;

/// <summary>
/// SQL Server: no engine runs on these machines. The catalog mapping is tested on rows as the sys views return
/// them; live tests run through DBAGENT_TEST_SQLSERVER or Testcontainers.MsSql where a Docker engine answers.
/// </summary>
public class SqlServerProviderTests
{
    [TestCase("int", 4, 10, 0, "int")]
    [TestCase("nvarchar", 400, 0, 0, "nvarchar(200)")]
    [TestCase("nvarchar", -1, 0, 0, "nvarchar(max)")]
    [TestCase("varchar", 50, 0, 0, "varchar(50)")]
    [TestCase("decimal", 9, 10, 2, "decimal(10,2)")]
    [TestCase("datetime2", 8, 27, 7, "datetime2")]
    [TestCase("datetime2", 7, 23, 3, "datetime2(3)")]
    [TestCase("uniqueidentifier", 16, 0, 0, "uniqueidentifier")]
    public void Sys_columns_types_are_printed_as_tsql_writes_them(string type, int maxLength, int precision, int scale, string expected)
    {
        Assert.That(SqlServerCatalogReader.TypeName(type, maxLength, precision, scale), Is.EqualTo(expected));
    }

    [Test]
    public void Catalog_rows_as_sys_views_return_them_fold_into_the_schema_model()
    {
        // Rows in the shape SqlServerCatalogReader's queries produce for dbo.customers / dbo.orders.
        var rows = new CatalogRows { DefaultSchema = "dbo" };
        rows.Schemas.Add("dbo");
        rows.Tables.Add(new CatalogTableRow("dbo", "customers"));
        rows.Tables.Add(new CatalogTableRow("dbo", "orders"));
        rows.Columns.Add(new CatalogColumnRow("dbo", "customers", "id", 1, "int") { Nullable = false, IsIdentity = true });
        rows.Columns.Add(new CatalogColumnRow("dbo", "customers", "email", 2, SqlServerCatalogReader.TypeName("nvarchar", 400, 0, 0)) { Nullable = false });
        rows.Columns.Add(new CatalogColumnRow("dbo", "orders", "status", 3, "varchar(20)") { Nullable = false, Default = "('new')" });
        rows.Columns.Add(new CatalogColumnRow("dbo", "orders", "id", 1, "bigint") { Nullable = false, IsIdentity = true });
        rows.Columns.Add(new CatalogColumnRow("dbo", "orders", "customer_id", 2, "int") { Nullable = false });
        rows.Columns.Add(new CatalogColumnRow("dbo", "orders", "total", 4, SqlServerCatalogReader.TypeName("decimal", 9, 10, 2)));
        rows.Constraints.Add(new CatalogConstraintRow("dbo", "customers", "PK_customers", ConstraintKind.PrimaryKey) { Ordinal = 1, Column = "id" });
        rows.Constraints.Add(new CatalogConstraintRow("dbo", "orders", "PK_orders", ConstraintKind.PrimaryKey) { Ordinal = 1, Column = "id" });
        rows.Constraints.Add(new CatalogConstraintRow("dbo", "orders", "FK_orders_customers", ConstraintKind.ForeignKey)
        {
            Ordinal = 1, Column = "customer_id", ReferencedSchema = "dbo", ReferencedTable = "customers", ReferencedColumn = "id",
        });
        rows.Constraints.Add(new CatalogConstraintRow("dbo", "orders", "CK_orders_total", ConstraintKind.Check) { CheckExpression = "([total]>=(0))" });
        rows.Indexes.Add(new CatalogIndexRow("dbo", "orders", "PK_orders", 1) { Column = "id", Unique = true, Primary = true, Method = "clustered" });
        rows.Indexes.Add(new CatalogIndexRow("dbo", "orders", "IX_orders_customer", 2) { Column = "status", Descending = true, Method = "nonclustered" });
        rows.Indexes.Add(new CatalogIndexRow("dbo", "orders", "IX_orders_customer", 1) { Column = "customer_id", Method = "nonclustered", Predicate = "([status]<>'cancelled')" });
        rows.Indexes.Add(new CatalogIndexRow("dbo", "orders", "IX_orders_customer", 1003) { Column = "total", Included = true, Method = "nonclustered" });
        rows.Views.Add(new CatalogViewRow("dbo", "paid_orders", false, "CREATE VIEW dbo.paid_orders AS SELECT id FROM dbo.orders WHERE status = 'paid'"));
        rows.ViewColumns.Add(new CatalogColumnRow("dbo", "paid_orders", "id", 1, "bigint"));

        var schema = CatalogBuilder.Build(SqlDialect.TSql, rows);
        var orders = schema.FindTable(new QualifiedName(null, "orders"))!;
        Assert.That(orders.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "customer_id", "status", "total" }), "ordered by column_id");
        Assert.That(orders.FindColumn("total")!.DataType, Is.EqualTo("numeric(10,2)").Or.EqualTo("decimal(10,2)"));
        Assert.That(orders.FindColumn("id")!.IsIdentity, Is.True);
        Assert.That(orders.FindColumn("status")!.Default, Is.EqualTo("('new')"));
        Assert.That(orders.PrimaryKey!.Name, Is.EqualTo("PK_orders"));
        Assert.That(orders.ForeignKeys.Single().ReferencedTable, Is.EqualTo(new QualifiedName("dbo", "customers")));
        Assert.That(orders.Constraints.Single(c => c.Kind == ConstraintKind.Check).CheckExpression, Is.EqualTo("([total]>=(0))"));
        var ix = orders.Indexes.Single(i => i.Name == "IX_orders_customer");
        Assert.That(ix.Keys.Select(k => k.ToString()), Is.EqualTo(new[] { "customer_id", "status DESC" }));
        Assert.That((ix.Include.Single(), ix.Predicate, ix.Method, ix.Unique), Is.EqualTo(("total", "([status]<>'cancelled')", "nonclustered", false)));
        Assert.That(orders.Indexes.Single(i => i.IsPrimaryKey).Unique, Is.True);
        Assert.That(schema.FindView(new QualifiedName("dbo", "paid_orders"))!.Columns, Is.EqualTo(new[] { "id" }));
        Assert.That(schema.FindTable(new QualifiedName("dbo", "customers"))!.FindColumn("email")!.DataType, Is.EqualTo("nvarchar(200)"));
    }

    [Test]
    public void Sql_server_says_what_it_can_and_cannot_do()
    {
        var capabilities = new SqlServerProvider().Capabilities;
        Assert.That((capabilities.HypotheticalIndexes, capabilities.MissingIndexReport, capabilities.JsonPlans), Is.EqualTo((false, true, false)));
        Assert.That(ProviderRegistry.Default.Get(DatabaseEngine.SqlServer), Is.InstanceOf<SqlServerProvider>());
        Assert.That(ProviderRegistry.Default.All.Select(p => p.Engine), Is.EquivalentTo(Enum.GetValues<DatabaseEngine>()));
    }

    [Test]
    public void Plan_cache_statements_are_cut_from_their_batch_at_the_utf16_byte_offsets()
    {
        const string batch = "SET NOCOUNT ON;\nSELECT id FROM dbo.orders WHERE customer_id = 42;\nUPDATE dbo.orders SET status = 'x' WHERE id = 1;";
        var select = batch.IndexOf("SELECT", StringComparison.Ordinal);
        var selectEnd = batch.IndexOf(";\nUPDATE", StringComparison.Ordinal); // the DMV's end offset is that of the statement's last character
        Assert.That(SqlServerWorkloadReader.StatementText(batch, select * 2, selectEnd * 2), Is.EqualTo("SELECT id FROM dbo.orders WHERE customer_id = 42;"));
        var update = batch.IndexOf("UPDATE", StringComparison.Ordinal);
        Assert.That(SqlServerWorkloadReader.StatementText(batch, update * 2, -1), Is.EqualTo("UPDATE dbo.orders SET status = 'x' WHERE id = 1;"), "-1: to the end of the batch");
        Assert.That(SqlServerWorkloadReader.StatementText("SELECT 1", 400, 900), Is.Empty, "offsets past the text give nothing, not an exception");
    }

    [TestCase("(@P1 int,@P2 nvarchar(4000))SELECT id FROM dbo.orders WHERE customer_id = @P1 AND status = @P2", "SELECT id FROM dbo.orders WHERE customer_id = @P1 AND status = @P2")]
    [TestCase("(@1 tinyint)SELECT * FROM [dbo].[orders] WHERE [id]=@1", "SELECT * FROM [dbo].[orders] WHERE [id]=@1")]
    [TestCase("(@d decimal(10,2),@n nvarchar(max))  UPDATE dbo.orders SET total = @d WHERE note = @n;", "UPDATE dbo.orders SET total = @d WHERE note = @n")]
    [TestCase("  SELECT count(*) FROM dbo.orders ;  ", "SELECT count(*) FROM dbo.orders")]
    [TestCase("WITH t AS (SELECT 1 AS x) SELECT x FROM t", "WITH t AS (SELECT 1 AS x) SELECT x FROM t")]
    [TestCase("SELECT name FROM sys.objects WHERE type = 'U'", null)]
    [TestCase("SELECT * FROM INFORMATION_SCHEMA.COLUMNS", null)]
    [TestCase("CREATE PROCEDURE dbo.p AS SELECT 1", null)]
    [TestCase("EXEC dbo.refresh_totals", null)]
    public void Statement_texts_lose_their_parameter_declarations_and_catalog_queries_are_left_out(string text, string? expected)
    {
        Assert.That(SqlServerWorkloadReader.Normalise(text), Is.EqualTo(expected));
    }

    [Test]
    public void Rows_of_one_shape_are_added_together_by_query_hash_or_else_by_fingerprint_most_time_first()
    {
        var rows = new[]
        {
            // Query Store keeps one text per parameterisation; the same query_hash is the same shape.
            new SqlServerStatementRow("(@P1 int)SELECT id FROM dbo.orders WHERE customer_id = @P1", 120, 60_000, "0x1A2B3C4D5E6F7081"),
            new SqlServerStatementRow("SELECT id FROM dbo.orders WHERE customer_id = 7", 3, 1_500, "0x1A2B3C4D5E6F7081"),
            // No hash (an old plan cache row): texts that differ only by constants are one shape.
            new SqlServerStatementRow("SELECT total FROM dbo.orders WHERE status = 'paid'", 10, 900_000, null),
            new SqlServerStatementRow("SELECT total FROM dbo.orders WHERE status = 'new';", 5, 100_000, "0x0000000000000000"),
            new SqlServerStatementRow("SELECT name FROM sys.tables", 500, 9_000_000, "0x99"),
            new SqlServerStatementRow("(@a int)DELETE FROM dbo.carts WHERE id = @a", 1, 10, "0x77"),
        };
        var stats = SqlServerWorkloadReader.Fold(rows, 10);
        Assert.That(stats.Select(s => (s.Sql, s.Calls, s.TotalTimeMs)), Is.EqualTo(new[]
        {
            ("SELECT total FROM dbo.orders WHERE status = 'paid'", 15L, 1000.0),
            ("SELECT id FROM dbo.orders WHERE customer_id = @P1", 123L, 61.5),
            ("DELETE FROM dbo.carts WHERE id = @a", 1L, 0.01),
        }), "microseconds become milliseconds; the catalog query is left out; most total time first");
        Assert.That(SqlServerWorkloadReader.Fold(rows, 1).Single().Sql, Does.Contain("status"), "the limit keeps the costliest");
    }

    [Test]
    public async Task Live_query_store_workload_is_read_and_grouped()
    {
        var (connectionString, container) = await ServerAsync();
        try
        {
            await using (var c = new SqlConnection(connectionString))
            {
                await c.OpenAsync();
                await using var setup = new SqlCommand("""
                    IF OBJECT_ID('dbo.dbagent_qs') IS NOT NULL DROP TABLE dbo.dbagent_qs;
                    CREATE TABLE dbo.dbagent_qs(id int PRIMARY KEY, customer_id int NOT NULL);
                    INSERT INTO dbo.dbagent_qs SELECT TOP (5000) ROW_NUMBER() OVER (ORDER BY (SELECT 1)), ABS(CHECKSUM(NEWID())) % 100 FROM sys.all_objects a CROSS JOIN sys.all_objects b;
                    ALTER DATABASE CURRENT SET QUERY_STORE = ON (OPERATION_MODE = READ_WRITE, QUERY_CAPTURE_MODE = ALL);
                    """, c);
                await setup.ExecuteNonQueryAsync();
                for (var i = 0; i < 5; i++)
                {
                    await using var q = new SqlCommand("SELECT id FROM dbo.dbagent_qs WHERE customer_id = @c", c);
                    q.Parameters.AddWithValue("@c", i);
                    await q.ExecuteScalarAsync();
                }
                await using var flush = new SqlCommand("EXEC sys.sp_query_store_flush_db", c);
                await flush.ExecuteNonQueryAsync();
            }
            var target = ConnectionTargetParser.FromConnectionString(connectionString, DatabaseEngine.SqlServer, "mssql");
            await using var session = await new SqlServerProvider().OpenAsync(target, CancellationToken.None);
            var stats = await session.ReadStatementStatsAsync(50, CancellationToken.None);
            var mine = stats.Where(s => s.Sql.Contains("dbagent_qs", StringComparison.Ordinal) && s.Sql.StartsWith("SELECT", StringComparison.Ordinal)).ToList();
            Assert.That(mine, Has.Count.EqualTo(1), "five runs with different values are one shape");
            Assert.That(mine[0].Calls, Is.GreaterThanOrEqualTo(5));
            Assert.That(mine[0].Sql, Does.Not.StartWith("("), "the parameter declarations are taken off");
        }
        finally
        {
            if (container is not null)
                await container.DisposeAsync();
        }
    }

    private static async Task<(string ConnectionString, IAsyncDisposable? Container)> ServerAsync()
    {
        var configured = Environment.GetEnvironmentVariable("DBAGENT_TEST_SQLSERVER");
        if (!string.IsNullOrWhiteSpace(configured))
            return (configured, null);
        if (!ScratchDatabase.DockerAnswers())
            Assert.Ignore("SQL Server has no engine on this machine: live tests need DBAGENT_TEST_SQLSERVER or a Docker engine for Testcontainers.MsSql. " +
                          "Its plan and catalog mapping are tested on recorded showplan XML and catalog rows instead.");
        var container = new Testcontainers.MsSql.MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync();
        return (container.GetConnectionString(), container);
    }

    [Test]
    public async Task Live_showplan_is_refused_for_a_statement_that_reaches_a_user_scalar_function_and_nothing_runs()
    {
        var (connectionString, container) = await ServerAsync();
        try
        {
            await using (var c = new SqlConnection(connectionString))
            {
                await c.OpenAsync();
                foreach (var batch in new[]
                {
                    "IF OBJECT_ID('dbo.dbagent_calls') IS NOT NULL DROP TABLE dbo.dbagent_calls",
                    "CREATE TABLE dbo.dbagent_calls(n int)",
                    "IF OBJECT_ID('dbo.dbagent_udf_view') IS NOT NULL DROP VIEW dbo.dbagent_udf_view",
                    "IF OBJECT_ID('dbo.dbagent_f') IS NOT NULL DROP FUNCTION dbo.dbagent_f",
                    "CREATE FUNCTION dbo.dbagent_f(@x int) RETURNS int WITH SCHEMABINDING AS BEGIN RETURN @x + 1 END",
                    "CREATE VIEW dbo.dbagent_udf_view AS SELECT dbo.dbagent_f(n) AS m FROM dbo.dbagent_calls",
                })
                {
                    await using var cmd = new SqlCommand(batch, c);
                    await cmd.ExecuteNonQueryAsync();
                }
            }
            var target = ConnectionTargetParser.FromConnectionString(connectionString, DatabaseEngine.SqlServer, "mssql");
            await using var session = await new SqlServerProvider().OpenAsync(target, CancellationToken.None);
            foreach (var sql in new[] { "SELECT dbo.dbagent_f(42)", "SELECT m FROM dbo.dbagent_udf_view" })
            {
                var refused = Assert.ThrowsAsync<PlanningWouldRunCodeException>(() => session.ExplainAsync(sql, new ReadOnlyQueryOptions(), CancellationToken.None));
                Assert.That(refused!.Message, Does.Contain("dbo.dbagent_f (T-SQL scalar function)"), sql);
            }
            var plain = await session.ExplainAsync("SELECT n FROM dbo.dbagent_calls WHERE n = 1", new ReadOnlyQueryOptions(), CancellationToken.None);
            Assert.That(plain.Nodes, Is.Not.Empty);
        }
        finally
        {
            if (container is not null)
                await container.DisposeAsync();
        }
    }

    [Test]
    public async Task Live_showplan_catalog_and_statistics_without_running_the_statement()
    {
        var (connectionString, container) = await ServerAsync();
        try
        {
            await using (var c = new SqlConnection(connectionString))
            {
                await c.OpenAsync();
                await using var cmd = new SqlCommand("""
                    IF OBJECT_ID('dbo.dbagent_orders') IS NOT NULL DROP TABLE dbo.dbagent_orders;
                    CREATE TABLE dbo.dbagent_orders(id int IDENTITY PRIMARY KEY, status varchar(20) NOT NULL, total decimal(10,2));
                    INSERT INTO dbo.dbagent_orders(status, total) SELECT TOP (20000) CASE ABS(CHECKSUM(NEWID())) % 4 WHEN 0 THEN 'paid' ELSE 'new' END, 1
                      FROM sys.all_objects a CROSS JOIN sys.all_objects b;
                    """, c);
                await cmd.ExecuteNonQueryAsync();
            }
            var target = ConnectionTargetParser.FromConnectionString(connectionString, DatabaseEngine.SqlServer, "mssql");
            await using var session = await new SqlServerProvider().OpenAsync(target, CancellationToken.None);
            var plan = await session.ExplainAsync("DELETE FROM dbo.dbagent_orders WHERE status = 'paid'", new ReadOnlyQueryOptions(), CancellationToken.None);
            Assert.That(plan.Engine, Is.EqualTo("sqlserver"));
            Assert.That(plan.Nodes.Any(n => n.Relation == "dbagent_orders"), Is.True);
            var schema = await session.LoadSchemaAsync(CancellationToken.None);
            Assert.That(schema.FindTable(new QualifiedName("dbo", "dbagent_orders"))!.FindColumn("total")!.DataType, Does.Contain("(10,2)"));
            var stats = await session.GetTableStatsAsync(new QualifiedName("dbo", "dbagent_orders"), CancellationToken.None);
            Assert.That(stats!.EstimatedRows, Is.EqualTo(20000));
            await using var check = new SqlConnection(connectionString);
            await check.OpenAsync();
            await using var count = new SqlCommand("SELECT count(*) FROM dbo.dbagent_orders", check);
            Assert.That(await count.ExecuteScalarAsync(), Is.EqualTo(20000), "SHOWPLAN_XML executed nothing");
        }
        finally
        {
            if (container is not null)
                await container.DisposeAsync();
        }
    }
}
