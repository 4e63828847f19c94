using DbAgent.Agent.Chat;
using DbAgent.Agent.Plugins;
using DbAgent.Databases;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using Microsoft.SemanticKernel;

namespace DbAgent.Agent.Tests.Plugins;

public class DatabasePluginTests
{
    private const string Sql = "SELECT 1;\nDELETE FROM orders;\nSELECT id FROM orders WHERE customer_id = 3 AND created_at > now() ORDER BY created_at;\n";

    private static SchemaModel Shop()
    {
        var schema = new SchemaModel(SqlDialect.Postgres) { DefaultSchema = "public" };
        var orders = new TableModel { Name = new QualifiedName(null, "orders") };
        orders.Columns.Add(new ColumnModel { Name = "id", DataType = "bigint", Nullable = false });
        orders.Columns.Add(new ColumnModel { Name = "customer_id", DataType = "bigint", Nullable = true });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Columns = ["id"] });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.ForeignKey, Columns = ["customer_id"], ReferencedTable = new QualifiedName(null, "customers"), ReferencedColumns = ["id"] });
        schema.Tables.Add(orders);
        return schema;
    }

    [Test]
    public async Task Review_findings_returns_the_findings_with_links()
    {
        var text = await new DatabasePlugin(ChatHarness.Context(Sql)).ReviewFindingsAsync();
        Assert.That(text, Does.Contain("`delete-without-where` at line 2"));
        Assert.That(text, Does.Contain("[queries.sql:2](file:///work/app/queries.sql#L2)"));
    }

    [Test]
    public async Task Explain_statement_explains_the_statement_on_the_given_line()
    {
        var text = await new DatabasePlugin(ChatHarness.Context(Sql)).ExplainStatementAsync(line: 2);
        Assert.That(text, Does.Contain("Statement at line 2").And.Contain("A DELETE"));
        Assert.That(text, Does.Not.Contain("Statement at line 3"));
    }

    [Test]
    public async Task Suggest_indexes_answers_for_the_given_line()
    {
        var text = await new DatabasePlugin(ChatHarness.Context(Sql)).SuggestIndexesAsync(line: 3);
        Assert.That(text, Does.Contain("orders(customer_id, created_at)"));
    }

    [Test]
    public async Task Describe_schema_describes_one_table_or_says_it_is_unknown()
    {
        var plugin = new DatabasePlugin(ChatHarness.Context(Sql) with { Schema = Shop() });
        Assert.That(await plugin.DescribeSchemaAsync("orders"), Does.Contain("`customer_id` bigint, → `customers(id)`"));
        Assert.That(await plugin.DescribeSchemaAsync("nope"), Does.Contain("no table `nope`"));
        Assert.That(await plugin.DescribeSchemaAsync(), Does.Contain("foreign-key-without-index"));
        Assert.That(await new DatabasePlugin(new ChatContext()).DescribeSchemaAsync("orders"), Does.Contain("not known"));
    }

    [Test]
    public async Task Table_stats_needs_a_connection_and_reads_it_when_there_is_one()
    {
        Assert.That(await new DatabasePlugin(ChatHarness.Context(Sql)).TableStatsAsync("orders"), Does.Contain("needs a connection"));
        var session = new RecordedSession(new ServerInfo(DatabaseEngine.Postgres, "15.8", "shop"));
        session.Stats["orders"] = new TableStats(new QualifiedName("public", "orders")) { EstimatedRows = 1234 };
        var text = await new DatabasePlugin(ChatHarness.Context(Sql) with { Session = session }).TableStatsAsync("public.orders");
        Assert.That(text, Does.Contain("Estimated rows: 1,234"));
    }

    [Test]
    public async Task Functions_run_through_the_kernel_without_a_model()
    {
        var kernel = new Kernel();
        kernel.Plugins.AddFromObject(new DatabasePlugin(ChatHarness.Context(Sql)), DatabasePlugin.PluginName);
        var result = await kernel.InvokeAsync(DatabasePlugin.PluginName, "suggest_indexes", new KernelArguments { ["line"] = 3 });
        Assert.That(result.GetValue<string>(), Does.Contain("CREATE INDEX CONCURRENTLY"));
        var review = await kernel.InvokeAsync(DatabasePlugin.PluginName, "check_migration_safety");
        Assert.That(review.GetValue<string>(), Does.Contain("no DDL"));
    }
}
