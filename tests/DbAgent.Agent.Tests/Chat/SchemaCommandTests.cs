using DbAgent.Agent.Chat;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Agent.Tests.Chat;

/// <summary>/schema: the tables and the design review of the schema the chat knows.</summary>
public class SchemaCommandTests
{
    /// <summary>Three tables with six design remarks between them, as migrations would declare them.</summary>
    private static SchemaModel Schema()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        SchemaReplayer.Replay(SqlScript.Parse("""
            CREATE TABLE customers (id integer PRIMARY KEY);
            CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NULL, total_price double precision, FOREIGN KEY (customer_id) REFERENCES customers (id));
            CREATE TABLE events (kind text, at timestamp);
            CREATE INDEX ix_events_kind ON events (kind);
            CREATE INDEX ix_events_kind_at ON events (kind, at);
            """, SqlDialect.Postgres), schema);
        return schema;
    }

    [Test]
    public async Task Schema_command_lists_tables_and_remarks()
    {
        var context = new ChatContext { Schema = Schema(), SchemaSource = "2 migration files" };
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
