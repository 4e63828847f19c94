using DbAgent.Analysis.Advisor;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Tests.Advisor;

public class SchemaReviewTests
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
    public void Finds_missing_keys_unindexed_and_nullable_foreign_keys_and_redundant_indexes()
    {
        var remarks = SchemaReview.Review(Schema(SqlDialect.Postgres));
        Assert.That(remarks.Select(r => (r.Id, r.Table.Name)), Is.EquivalentTo(new[]
        {
            ("foreign-key-without-index", "orders"),
            ("nullable-foreign-key", "orders"),
            ("money-as-float", "orders"),
            ("missing-primary-key", "events"),
            ("redundant-index", "events"),
            ("timestamp-without-time-zone", "events"),
        }));
        Assert.That(remarks.Single(r => r.Id == "foreign-key-without-index").Fix, Does.Contain("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id ON orders (customer_id);"));
    }

    [Test]
    public void MySql_indexes_foreign_keys_itself()
    {
        var remarks = SchemaReview.Review(Schema(SqlDialect.MySql));
        Assert.That(remarks.Select(r => r.Id), Does.Not.Contain("foreign-key-without-index"));
        Assert.That(remarks.Single(r => r.Id == "missing-primary-key").Text, Does.Contain("InnoDB"));
    }

    [Test]
    public void An_index_on_the_foreign_key_silences_the_remark()
    {
        var schema = Schema(SqlDialect.Postgres);
        var orders = schema.FindTable(new QualifiedName(null, "orders"))!;
        orders.Indexes.Add(new IndexModel { Name = "ix_orders_customer", Table = orders.Name, Keys = [new IndexKey("customer_id", null, false), new IndexKey("id", null, false)] });
        Assert.That(SchemaReview.Review(schema).Select(r => r.Id), Does.Not.Contain("foreign-key-without-index"));
    }
}
