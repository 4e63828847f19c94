using DbAgent.Analysis.Plans;
using DbAgent.Databases.Catalog;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.SqlServer;
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
