using DbAgent.Agent.Chat;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Tests.Chat;

/// <summary>/schema: the tables and the design review of the schema the chat knows.</summary>
public class SchemaCommandTests
{
    private static SchemaModel Schema(SqlDialect dialect)
    {
        var schema = new SchemaModel(dialect);
        var customers = new TableModel { Name = new QualifiedName(null, "customers") };
        customers.Columns.Add(new ColumnModel { Name = "id", DataType = "integer", Nullable = false });
        customers.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Columns = ["id"] });
        var orders = new TableModel { Name = new QualifiedName(null, "orders") };
        orders.Columns.Add(new ColumnModel { Name = "id", DataType = "integer", Nullable = false });
        orders.Columns.Add(new ColumnModel { Name = "customer_id", DataType = "integer", Nullable = true });
        orders.Columns.Add(new ColumnModel { Name = "total_price", DataType = "double precision" });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Columns = ["id"] });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.ForeignKey, Columns = ["customer_id"], ReferencedTable = customers.Name, ReferencedColumns = ["id"] });
        var events = new TableModel { Name = new QualifiedName(null, "events") };
        events.Columns.Add(new ColumnModel { Name = "kind", DataType = "text" });
        events.Columns.Add(new ColumnModel { Name = "at", DataType = "timestamp" });
        events.Indexes.Add(new IndexModel { Name = "ix_events_kind", Table = events.Name, Keys = [new IndexKey("kind", null, false)] });
        events.Indexes.Add(new IndexModel { Name = "ix_events_kind_at", Table = events.Name, Keys = [new IndexKey("kind", null, false), new IndexKey("at", null, false)] });
        schema.Tables.AddRange([customers, orders, events]);
        return schema;
    }

    [Test]
    public async Task Schema_command_lists_tables_and_remarks()
    {
        var context = new ChatContext { Schema = Schema(SqlDialect.Postgres), SchemaSource = "2 migration files" };
        var (answer, sink) = await ChatHarness.RunAsync(context, "schema");
        var markdown = sink.ToMarkdown();
        Assert.That(markdown, Does.Contain("PostgreSQL, from 2 migration files").And.Contain("3 tables"));
        Assert.That(markdown, Does.Contain("### `orders`").And.Contain("`id` integer, primary key, not null"));
        Assert.That(markdown, Does.Contain("index `ix_events_kind_at` (kind, at)"));
        Assert.That(markdown, Does.Contain("Design remarks (6)"));
        Assert.That(answer.Followups.Select(f => f.Command), Does.Contain("indexes"));
    }

    [Test]
    public async Task Schema_command_without_a_schema_says_where_it_comes_from()
    {
        var markdown = await ChatHarness.MarkdownAsync(ChatHarness.Context("SELECT 1;"), "schema");
        Assert.That(markdown, Does.Contain("I do not know the schema yet").And.Contain("migrations").And.Contain("dbagent.connections"));
    }
}
