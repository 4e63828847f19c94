using DbAgent.Sql.Completion;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Tests.Completion;

/// <summary>Completion on half-typed statements, from a schema replayed from DDL. `|` marks the cursor.</summary>
public class SqlCompletionTests
{
    private const string Ddl = """
        CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, "DisplayName" text);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), total numeric(10,2), created_at timestamptz);
        CREATE TABLE order_items (order_id bigint REFERENCES orders (id), sku text, quantity int, CONSTRAINT ck_quantity CHECK (quantity > 0));
        CREATE INDEX ix_orders_customer ON orders (customer_id);
        CREATE SCHEMA billing;
        CREATE TABLE billing.invoices (id bigint PRIMARY KEY, order_id bigint);
        CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
        """;

    private static SchemaModel Schema(SqlDialect dialect = SqlDialect.Postgres)
    {
        var schema = new SchemaModel(dialect);
        SchemaReplayer.Replay(SqlScript.Parse(Ddl, dialect), schema);
        return schema;
    }

    private static SqlCompletionResult Complete(string textWithCursor, SqlDialect dialect = SqlDialect.Postgres, SchemaModel? schema = null)
    {
        var offset = textWithCursor.IndexOf('|');
        var text = textWithCursor.Remove(offset, 1);
        var script = SqlScript.Parse(text, dialect);
        return SqlCompletion.Complete(script.Tokens, text, dialect, offset, schema ?? Schema(dialect));
    }

    private static List<string> Labels(SqlCompletionResult r, SqlCompletionKind? kind = null) =>
        r.Items.Where(i => kind is null || i.Kind == kind).Select(i => i.Label).ToList();

    [Test]
    public void After_FROM_the_tables_and_views_come_first_and_other_schemas_are_qualified()
    {
        var r = Complete("SELECT * FROM |");
        Assert.That(r.Position, Is.EqualTo(CompletionPosition.Relation));
        Assert.That(Labels(r, SqlCompletionKind.Table), Is.SupersetOf(new[] { "customers", "orders", "order_items", "billing.invoices" }));
        Assert.That(Labels(r, SqlCompletionKind.View), Is.EqualTo(new[] { "big_orders" }));
        Assert.That(Labels(r, SqlCompletionKind.Column), Is.Empty, "no columns where a table is expected");
        Assert.That(r.Items[0].Kind, Is.EqualTo(SqlCompletionKind.Table));
        Assert.That(r.Items.First(i => i.Label == "orders").Detail, Does.Contain("4 columns"));
        Assert.That(Labels(r, SqlCompletionKind.Keyword), Does.Not.Contain("FROM"));
    }

    [Test]
    public void A_typed_prefix_narrows_the_list_and_the_word_is_replaced()
    {
        var r = Complete("SELECT * FROM ord|");
        Assert.That(Labels(r, SqlCompletionKind.Table), Is.EqualTo(new[] { "order_items", "orders" }));
        Assert.That((r.Replace.Start, r.Replace.Length), Is.EqualTo((14, 3)));
    }

    [Test]
    public void After_an_alias_and_a_dot_the_columns_of_that_relation_even_before_FROM_parses()
    {
        var r = Complete("SELECT o.| FROM orders o");
        Assert.That(r.Position, Is.EqualTo(CompletionPosition.Qualified));
        Assert.That(Labels(r, SqlCompletionKind.Column), Is.EqualTo(new[] { "id", "customer_id", "total", "created_at" }));
        Assert.That(r.Items.First(i => i.Label == "customer_id").Detail, Does.Contain("bigint, not null"));
        Assert.That(r.Items.First(i => i.Label == "total").Detail, Does.Contain("numeric(10,2), null"));
    }

    [Test]
    public void Unqualified_columns_come_from_every_relation_in_scope_and_ambiguous_ones_are_qualified()
    {
        var r = Complete("SELECT | FROM orders o JOIN customers c ON c.id = o.customer_id");
        var columns = Labels(r, SqlCompletionKind.Column);
        Assert.That(columns, Is.SupersetOf(new[] { "customer_id", "total", "email", "o.id", "c.id", "DisplayName" }));
        Assert.That(columns, Does.Not.Contain("id"));
        Assert.That(r.Items.First(i => i.Label == "DisplayName").InsertText, Is.EqualTo("\"DisplayName\""), "PostgreSQL needs quotes for capitals");
        Assert.That(Labels(r, SqlCompletionKind.Keyword), Does.Not.Contain("FROM"), "no FROM inside a column list");
        Assert.That(Labels(r, SqlCompletionKind.Function), Does.Contain("count"));
        Assert.That(r.Items.TakeWhile(i => i.Kind == SqlCompletionKind.Column).Count(), Is.GreaterThan(0), "columns rank first");
    }

    [Test]
    public void After_a_complete_select_item_FROM_is_proposed_but_not_after_a_comma()
    {
        Assert.That(Labels(Complete("SELECT id |")), Does.Contain("FROM"));
        Assert.That(Labels(Complete("SELECT id, |")), Does.Not.Contain("FROM"));
        Assert.That(Labels(Complete("SELECT id, fr|")), Does.Not.Contain("FROM"));
    }

    [Test]
    public void After_JOIN_ON_the_foreign_key_condition_comes_first()
    {
        var r = Complete("SELECT * FROM orders o JOIN customers c ON |");
        Assert.That(r.Position, Is.EqualTo(CompletionPosition.JoinOn));
        Assert.That(r.Items[0].Label, Is.EqualTo("o.customer_id = c.id"));
        Assert.That(r.Items[0].Kind, Is.EqualTo(SqlCompletionKind.JoinCondition));
        var reverse = Complete("SELECT * FROM customers c JOIN orders o ON |");
        Assert.That(reverse.Items[0].Label, Is.EqualTo("o.customer_id = c.id"));
    }

    [Test]
    public void Cte_and_subquery_columns_complete_through_their_aliases()
    {
        var cte = Complete("WITH recent AS (SELECT id, total AS amount FROM orders) SELECT r.| FROM recent r");
        Assert.That(Labels(cte, SqlCompletionKind.Column), Is.EqualTo(new[] { "id", "amount" }));
        var star = Complete("WITH c2 AS (SELECT * FROM customers) SELECT x.| FROM c2 x");
        Assert.That(Labels(star, SqlCompletionKind.Column), Is.EqualTo(new[] { "id", "email", "DisplayName" }));
        var sub = Complete("SELECT s.| FROM (SELECT customer_id, count(*) n FROM orders GROUP BY customer_id) s");
        Assert.That(Labels(sub, SqlCompletionKind.Column), Is.EqualTo(new[] { "customer_id", "n" }));
        var fromCte = Complete("WITH recent AS (SELECT id FROM orders) SELECT * FROM |");
        Assert.That(r0(fromCte), Is.EqualTo("recent"));
        static string r0(SqlCompletionResult r) => r.Items[0].Label;
    }

    [Test]
    public void Using_and_natural_joins_list_their_shared_columns_once()
    {
        var r = Complete("SELECT | FROM orders JOIN order_items USING (id)", schema: null);
        Assert.That(r.Position, Is.EqualTo(CompletionPosition.SelectList));
        var usingCols = Complete("SELECT * FROM orders o JOIN customers c USING (|)");
        Assert.That(Labels(usingCols, SqlCompletionKind.Column), Is.EqualTo(new[] { "id" }));
        var natural = Complete("SELECT | FROM orders NATURAL JOIN customers");
        Assert.That(Labels(natural, SqlCompletionKind.Column), Does.Contain("id").And.Not.Contain("orders.id"));
    }

    [Test]
    public void Schema_dot_lists_that_schemas_tables()
    {
        var r = Complete("SELECT * FROM billing.|");
        Assert.That(Labels(r, SqlCompletionKind.Table), Is.EqualTo(new[] { "invoices" }));
    }

    [Test]
    public void Ddl_positions_offer_types_index_and_constraint_names()
    {
        Assert.That(Labels(Complete("CREATE TABLE t (id |"), SqlCompletionKind.Type), Does.Contain("bigint").And.Contain("jsonb"));
        Assert.That(Labels(Complete("CREATE TABLE t (id bigint |")), Does.Contain("PRIMARY KEY").And.Contain("NOT NULL"));
        Assert.That(Labels(Complete("ALTER TABLE orders ADD COLUMN note |"), SqlCompletionKind.Type), Does.Contain("text"));
        Assert.That(Labels(Complete("DROP INDEX |"), SqlCompletionKind.Index), Is.EqualTo(new[] { "ix_orders_customer" }));
        Assert.That(Labels(Complete("ALTER TABLE order_items DROP CONSTRAINT |"), SqlCompletionKind.Constraint), Does.Contain("ck_quantity"));
        Assert.That(Labels(Complete("ALTER TABLE orders DROP COLUMN |"), SqlCompletionKind.Column), Does.Contain("total"));
        Assert.That(Labels(Complete("SELECT total::|"), SqlCompletionKind.Type), Does.Contain("numeric"));
        Assert.That(Labels(Complete("INSERT INTO orders (|"), SqlCompletionKind.Column), Is.EqualTo(new[] { "id", "customer_id", "total", "created_at" }));
        Assert.That(Labels(Complete("UPDATE orders SET |"), SqlCompletionKind.Column), Does.Contain("total"));
        Assert.That(Labels(Complete("CREATE INDEX ix ON orders (|"), SqlCompletionKind.Column), Does.Contain("created_at"));
    }

    [Test]
    public void Keywords_fit_the_position_and_the_dialect()
    {
        Assert.That(Labels(Complete("|")), Does.Contain("SELECT").And.Contain("CREATE TABLE"));
        Assert.That(Labels(Complete("SELECT * FROM orders |")), Does.Contain("WHERE").And.Contain("LEFT JOIN").And.Not.Contain("SELECT"));
        Assert.That(Labels(Complete("SELECT * FROM orders WHERE total > 5 |")), Does.Contain("AND").And.Contain("ORDER BY"));
        Assert.That(Labels(Complete("SELECT * FROM orders WHERE |"), SqlCompletionKind.Column), Does.Contain("total"));
        Assert.That(Labels(Complete("SELECT * FROM orders ORDER BY total |")), Does.Contain("DESC"));
        Assert.That(Labels(Complete("SELECT * FROM orders |", SqlDialect.TSql)), Does.Not.Contain("LIMIT"));
        Assert.That(Labels(Complete("select * from orders wh|")), Is.EqualTo(new[] { "where" }), "typed in lower case, offered in lower case");
    }

    [Test]
    public void Names_are_quoted_as_each_dialect_needs()
    {
        Assert.That(SqlCompletion.NeedsQuotes("Orders", SqlDialect.Postgres), Is.True);
        Assert.That(SqlCompletion.NeedsQuotes("Orders", SqlDialect.MySql), Is.False);
        Assert.That(SqlCompletion.NeedsQuotes("order", SqlDialect.MySql), Is.True, "reserved");
        Assert.That(SqlCompletion.NeedsQuotes("line items", SqlDialect.TSql), Is.True);
        var schema = new SchemaModel(SqlDialect.MySql);
        SchemaReplayer.Replay(SqlScript.Parse("CREATE TABLE `order` (id int);", SqlDialect.MySql), schema);
        var r = Complete("SELECT * FROM |", SqlDialect.MySql, schema);
        Assert.That(r.Items.First(i => i.Label == "order").InsertText, Is.EqualTo("`order`"));
    }

    [Test]
    public void A_later_statement_does_not_leak_into_the_one_being_typed()
    {
        var r = Complete("SELECT c.| FROM customers c;\nSELECT * FROM orders c;");
        Assert.That(Labels(r, SqlCompletionKind.Column), Is.EqualTo(new[] { "id", "email", "DisplayName" }));
        var second = Complete("SELECT * FROM customers;\nSELECT * FROM |");
        Assert.That(second.Position, Is.EqualTo(CompletionPosition.Relation));
    }

    [Test]
    public void Large_schemas_are_cut_to_a_bounded_incomplete_list()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        for (var i = 0; i < 5000; i++) schema.Tables.Add(new TableModel { Name = new Semantics.QualifiedName(null, $"t{i:D5}") });
        var r = Complete("SELECT * FROM |", schema: schema);
        Assert.That(r.Items.Count, Is.EqualTo(SqlCompletion.MaxItems));
        Assert.That(r.Incomplete, Is.True);
        Assert.That(Labels(Complete("SELECT * FROM t0420|", schema: schema)), Is.EqualTo(Enumerable.Range(4200, 10).Select(i => $"t{i:D5}")));
    }

    [Test]
    public void The_builtin_tables_load_for_every_dialect()
    {
        foreach (var d in Enum.GetValues<SqlDialect>())
        {
            var catalog = BuiltinCatalog.For(d);
            Assert.That(catalog.Find("count"), Is.Not.Empty, d.ToString());
            Assert.That(catalog.Types, Is.Not.Empty, d.ToString());
        }
        Assert.That(BuiltinCatalog.For(SqlDialect.Postgres).Find("lag")[0].Signature, Is.EqualTo("lag(value anyelement, [offset integer], [default anyelement])"));
    }
}
