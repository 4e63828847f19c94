using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Tests.Binding;

public class BinderTests
{
    private static StatementModel Model(string sql, SqlDialect dialect = SqlDialect.Postgres, SchemaModel? schema = null)
    {
        var script = SqlScript.Parse(sql, dialect, schema);
        Assert.That(script.Statements, Has.Count.EqualTo(1), sql);
        return script.Statements[0].Model;
    }

    private static string Rel(RelationReference r) => $"{r.Name}{(r.Alias is null ? "" : " " + r.Alias)}:{r.Role}{(r.IsCommonTableExpression ? ":cte" : "")}";

    [Test]
    public void Relations_have_schema_alias_span_and_role()
    {
        const string sql = "SELECT * FROM app.orders o JOIN customers AS c ON c.id = o.customer_id";
        var model = Model(sql);
        Assert.That(model.Relations.Select(Rel), Is.EqualTo(new[] { "app.orders o:Read", "customers c:Read" }));
        var orders = model.Relations[0];
        Assert.That(sql.Substring(orders.Span.Start, orders.Span.Length), Is.EqualTo("app.orders"));
    }

    [Test]
    public void Cte_names_are_flagged_and_the_dml_target_is_written()
    {
        var model = Model("WITH recent AS (SELECT id FROM orders WHERE created > now() - interval '1 day') UPDATE orders SET flag = true WHERE id IN (SELECT id FROM recent)");
        Assert.That(model.Kind, Is.EqualTo(StatementKind.Update));
        Assert.That(model.Relations.Select(Rel), Is.EqualTo(new[] { "orders:Read", "orders:Written", "recent:Read:cte" }));
    }

    [Test]
    public void Quoted_names_lose_their_quotes()
    {
        Assert.That(Model("SELECT * FROM \"My Schema\".\"Order\"\"s\"").Relations[0].Name, Is.EqualTo(new QualifiedName("My Schema", "Order\"s")));
        Assert.That(Model("SELECT * FROM `db`.`order`", SqlDialect.MySql).Relations[0].Name, Is.EqualTo(new QualifiedName("db", "order")));
        Assert.That(Model("SELECT * FROM [dbo].[Order Details]", SqlDialect.TSql).Relations[0].Name, Is.EqualTo(new QualifiedName("dbo", "Order Details")));
    }

    [Test]
    public void Columns_resolve_by_qualifier_by_single_relation_and_by_schema()
    {
        var m1 = Model("SELECT o.total, c.name FROM orders o JOIN customers c ON c.id = o.cid");
        Assert.That(m1.Columns.Where(c => c.Name == "total").Single().Relation!.Name.Name, Is.EqualTo("orders"));
        Assert.That(m1.Columns.Where(c => c.Name == "name").Single().Relation!.Name.Name, Is.EqualTo("customers"));

        var m2 = Model("SELECT total FROM orders WHERE status = 'x'");
        Assert.That(m2.Columns.All(c => c.Relation?.Name.Name == "orders"), Is.True);

        var m3 = Model("SELECT total, name FROM orders JOIN customers ON cid = customers.id");
        Assert.That(m3.Columns.First(c => c.Name == "total").Relation, Is.Null, "ambiguous without a schema");

        var schema = new SchemaModel(SqlDialect.Postgres);
        schema.Tables.Add(new TableModel { Name = new QualifiedName(null, "orders"), Columns = { new ColumnModel { Name = "total", DataType = "numeric" }, new ColumnModel { Name = "cid", DataType = "integer" } } });
        schema.Tables.Add(new TableModel { Name = new QualifiedName(null, "customers"), Columns = { new ColumnModel { Name = "name", DataType = "text" }, new ColumnModel { Name = "id", DataType = "integer" } } });
        var m4 = Model("SELECT total, name FROM orders JOIN customers ON cid = customers.id", schema: schema);
        Assert.That(m4.Columns.First(c => c.Name == "total").Relation!.Name.Name, Is.EqualTo("orders"));
        Assert.That(m4.Columns.First(c => c.Name == "name").Relation!.Name.Name, Is.EqualTo("customers"));
    }

    [Test]
    public void Correlated_subqueries_resolve_outer_aliases()
    {
        var model = Model("SELECT * FROM orders o WHERE EXISTS (SELECT 1 FROM items i WHERE i.order_id = o.id)");
        var pred = model.Predicates.Single(p => p.Kind == PredicateKind.Join);
        Assert.That(pred.Column!.Relation!.Name.Name, Is.EqualTo("items"));
        Assert.That(pred.OtherColumn!.Relation!.Name.Name, Is.EqualTo("orders"));
        Assert.That(model.Predicates.Any(p => p.Kind == PredicateKind.Exists), Is.True);
    }

    [TestCase("a = 1", PredicateKind.Equality, "=", null)]
    [TestCase("1 = a", PredicateKind.Equality, "=", null)]
    [TestCase("a <> $1", PredicateKind.NotEqual, "<>", null)]
    [TestCase("a != 2", PredicateKind.NotEqual, "!=", null)]
    [TestCase("a >= 3", PredicateKind.Range, ">=", null)]
    [TestCase("3 < a", PredicateKind.Range, ">", null)]
    [TestCase("a BETWEEN 1 AND 5", PredicateKind.Between, "BETWEEN", null)]
    [TestCase("a IN (1, 2, 3)", PredicateKind.InList, "IN", null)]
    [TestCase("a = ANY($1)", PredicateKind.InList, "= ANY", null)]
    [TestCase("a IN (SELECT b FROM u)", PredicateKind.InSubquery, "IN", null)]
    [TestCase("a LIKE 'abc%'", PredicateKind.LikePrefix, "LIKE", null)]
    [TestCase("a LIKE '%abc'", PredicateKind.LikeInfix, "LIKE", null)]
    [TestCase("a ILIKE '_bc'", PredicateKind.LikeInfix, "ILIKE", null)]
    [TestCase("a IS NULL", PredicateKind.IsNull, "IS NULL", null)]
    [TestCase("a IS NOT NULL", PredicateKind.IsNotNull, "IS NOT NULL", null)]
    [TestCase("lower(a) = $1", PredicateKind.FunctionWrapped, "=", "lower")]
    [TestCase("a::date = '2020-01-01'", PredicateKind.FunctionWrapped, "=", "::date")]
    [TestCase("CAST(a AS date) = $1", PredicateKind.FunctionWrapped, "=", "CAST")]
    [TestCase("date(a) >= '2020-01-01'", PredicateKind.FunctionWrapped, ">=", "date")]
    [TestCase("a NOT IN (1, 2)", PredicateKind.Other, "NOT IN", null)]
    public void Predicates_are_classified(string condition, PredicateKind kind, string op, string? function)
    {
        var model = Model($"SELECT * FROM t WHERE {condition}");
        var p = model.Predicates.Single();
        Assert.That((p.Kind, p.Operator, p.Function), Is.EqualTo((kind, op, function)));
        Assert.That(p.Column?.Name, Is.EqualTo("a"));
        Assert.That(p.Column?.Relation?.Name.Name, Is.EqualTo("t"));
        Assert.That(p.Clause, Is.EqualTo(PredicateClause.Where));
        Assert.That(p.OrGroup, Is.Null);
    }

    [Test]
    public void Or_groups_and_join_conditions()
    {
        var model = Model("SELECT * FROM a JOIN b ON b.a_id = a.id WHERE a.x = 1 AND (a.y = 2 OR b.z > 3) AND (a.p = 1 OR a.q = 2)");
        var join = model.Predicates.Single(p => p.Clause == PredicateClause.JoinOn);
        Assert.That((join.Kind, join.Column!.Name, join.OtherColumn!.Name), Is.EqualTo((PredicateKind.Join, "a_id", "id")));
        var where = model.Predicates.Where(p => p.Clause == PredicateClause.Where).ToList();
        Assert.That(where.Select(p => p.OrGroup), Is.EqualTo(new int?[] { null, 1, 1, 2, 2 }));
    }

    [Test]
    public void Group_order_and_limit()
    {
        var model = Model("SELECT a, count(*) FROM t GROUP BY a, b HAVING count(*) > 1 ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 20");
        Assert.That(model.GroupBy.Select(c => c.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(model.OrderBy.Select(o => (o.Expression, o.Descending, o.NullsFirst)), Is.EqualTo(new[] { ("a", true, (bool?)false), ("b", false, (bool?)null) }));
        Assert.That((model.Limit!.Limit, model.Limit.Offset), Is.EqualTo(((long?)10, (long?)20)));
        Assert.That(model.Predicates.Single().Clause, Is.EqualTo(PredicateClause.Having));
    }

    [TestCase("SELECT * FROM t LIMIT 5, 10", SqlDialect.MySql, 10L, 5L)]
    [TestCase("SELECT TOP 7 * FROM t", SqlDialect.TSql, 7L, null)]
    [TestCase("SELECT * FROM t ORDER BY a OFFSET 3 ROWS FETCH NEXT 4 ROWS ONLY", SqlDialect.TSql, 4L, 3L)]
    [TestCase("SELECT * FROM t FETCH FIRST 2 ROWS ONLY", SqlDialect.Postgres, 2L, null)]
    public void Limits_in_every_dialect(string sql, SqlDialect dialect, long? limit, long? offset)
    {
        var model = Model(sql, dialect);
        Assert.That((model.Limit!.Limit, model.Limit.Offset), Is.EqualTo((limit, offset)));
    }

    [Test]
    public void Dml_targets_in_every_dialect()
    {
        Assert.That(Model("UPDATE o SET o.total = s.sum FROM dbo.Orders o JOIN #sums s ON s.id = o.id", SqlDialect.TSql).Relations.Select(Rel),
            Is.EqualTo(new[] { "dbo.Orders o:Written", "#sums s:Read" }));
        Assert.That(Model("UPDATE a JOIN b ON a.id = b.aid SET a.x = b.y, b.n = 1", SqlDialect.MySql).Relations.Select(Rel),
            Is.EqualTo(new[] { "a:Written", "b:Written" }));
        Assert.That(Model("DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id", SqlDialect.MySql).Relations.Select(Rel),
            Is.EqualTo(new[] { "t1:Written", "t2:Read" }));
        Assert.That(Model("DELETE FROM t USING u WHERE t.id = u.id").Relations.Select(Rel), Is.EqualTo(new[] { "t:Written", "u:Read" }));
        Assert.That(Model("INSERT INTO t (a) SELECT a FROM u").Relations.Select(Rel), Is.EqualTo(new[] { "t:Written", "u:Read" }));
        Assert.That(Model("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE").Relations.Select(Rel), Is.EqualTo(new[] { "t:Written", "s:Read" }));
        Assert.That(Model("SELECT * INTO archive FROM orders").Relations.Select(Rel), Is.EqualTo(new[] { "archive:Created", "orders:Read" }));
    }

    [Test]
    public void Where_is_seen_on_the_outer_statement_only()
    {
        Assert.That(Model("DELETE FROM t WHERE id IN (SELECT id FROM u WHERE x = 1)").HasWhere, Is.True);
        var model = Model("DELETE FROM t USING (SELECT id FROM u WHERE x = 1) s");
        Assert.That(model.HasWhere, Is.False);
        Assert.That(Model("UPDATE t SET a = (SELECT max(b) FROM u WHERE u.id = t.id)").HasWhere, Is.False);
    }

    [Test]
    public void Tsql_value_methods_keep_their_column_for_predicates()
    {
        var model = Model("SELECT o.id FROM dbo.Orders o WHERE o.doc.exist('/order[@paid=1]') = 1 AND o.doc.value('(/order/@total)[1]', 'money') > 100", SqlDialect.TSql);
        Assert.That(model.Predicates.Select(p => (p.Kind, p.Column?.Name, p.Column?.Relation?.Name.Name, p.Function)), Is.EqualTo(new[]
        {
            (PredicateKind.FunctionWrapped, "doc", "Orders", "exist"), (PredicateKind.FunctionWrapped, "doc", "Orders", "value"),
        }));
    }

    // The relations libpg_query sees in each (tables and indexes are relations; collations, conversion functions, roles,
    // servers and large objects are not).
    [TestCase("REINDEX INDEX CONCURRENTLY ix_orders", "ix_orders:Read")]
    [TestCase("REINDEX (TABLESPACE fast, VERBOSE) TABLE CONCURRENTLY app.orders", "app.orders:Read")]
    [TestCase("REINDEX SCHEMA CONCURRENTLY app", "")]
    [TestCase("CLUSTER orders_pkey ON orders", "orders:Read")]
    [TestCase("CLUSTER VERBOSE orders USING orders_pkey", "orders:Read")]
    [TestCase("CREATE COLLATION german FROM \"de_DE\"", "")]
    [TestCase("CREATE DEFAULT CONVERSION public.mydef FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8", "")]
    [TestCase("ALTER DEFAULT PRIVILEGES FOR ROLE admin REVOKE INSERT ON TABLES FROM app", "")]
    [TestCase("GRANT SELECT, UPDATE ON LARGE OBJECT 1004 TO app", "")]
    [TestCase("GRANT INSERT ON target, s.source TO app", "target:Altered s.source:Altered")]
    [TestCase("ALTER RULE r ON orders RENAME TO r2", "orders:Read")]
    [TestCase("ALTER TRIGGER audit ON orders RENAME TO audit2", "orders:Read")]
    [TestCase("DROP FOREIGN TABLE IF EXISTS remote.orders, items CASCADE", "remote.orders:Dropped items:Dropped")]
    [TestCase("ALTER TYPE address ADD ATTRIBUTE zip text, DROP ATTRIBUTE city", "address:Altered")]
    [TestCase("ALTER TYPE mood ADD VALUE 'ok'", "")]
    [TestCase("CREATE PUBLICATION pub FOR TABLE orders (id, total) WHERE (total > 0), ONLY items, TABLE s.t, TABLES IN SCHEMA app", "orders:Read items:Read s.t:Read")]
    [TestCase("ALTER PUBLICATION pub SET TABLE orders (id, total)", "orders:Read")]
    [TestCase("IMPORT FOREIGN SCHEMA remote LIMIT TO (orders, items) FROM SERVER shop INTO public", "orders:Read items:Read")]
    [TestCase("COPY BINARY orders TO '/tmp/orders.bin'", "orders:Read")]
    [TestCase("CREATE CONSTRAINT TRIGGER t AFTER UPDATE ON orders FROM customers FOR EACH ROW EXECUTE FUNCTION f()", "orders:Altered customers:Read")]
    [TestCase("SELECT * FROM current_date AS d, collation for ('x'::text) c, localtimestamp(3) AS t, orders", "orders:Read")]
    public void Postgres_utility_statements_name_the_relations_libpg_query_sees(string sql, string relations)
    {
        var script = SqlScript.Parse(sql, SqlDialect.Postgres);
        Assert.That(script.Statements, Has.Count.EqualTo(1), sql);
        Assert.That(script.Statements[0].HasSyntaxErrors, Is.False);
        Assert.That(string.Join(" ", script.Statements[0].Model.Relations.Select(Rel)), Is.EqualTo(relations));
    }

    [Test]
    public void Grants_name_tables_and_only_tables_in_every_dialect()
    {
        string Relations(string sql, SqlDialect dialect) => string.Join(" ", Model(sql, dialect).Relations.Select(Rel));
        Assert.That(Relations("GRANT SELECT ON t(a, b) TO u", SqlDialect.TSql), Is.EqualTo("t:Altered"));
        Assert.That(Relations("GRANT SELECT ON OBJECT::dbo.t TO u", SqlDialect.TSql), Is.EqualTo("dbo.t:Altered"));
        Assert.That(Relations("GRANT SELECT ON SCHEMA::dbo TO u", SqlDialect.TSql), Is.Empty);
        Assert.That(Relations("GRANT SELECT ON db.t TO u", SqlDialect.MySql), Is.EqualTo("db.t:Altered"));
        Assert.That(Relations("GRANT ALL ON db.* TO u", SqlDialect.MySql), Is.Empty);
        Assert.That(Relations("GRANT SELECT (a, b) ON t TO x", SqlDialect.Postgres), Is.EqualTo("t:Altered"));
        Assert.That(Relations("GRANT USAGE ON FOREIGN SERVER s TO x", SqlDialect.Postgres), Is.Empty);
    }

    [Test]
    public void Create_schema_elements_show_their_relations_but_leave_their_ddl_to_the_schema()
    {
        var model = Model("CREATE SCHEMA shop AUTHORIZATION app CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES shop.customers) CREATE INDEX ON orders (customer) CREATE VIEW open_orders AS SELECT * FROM orders GRANT SELECT ON open_orders TO app");
        Assert.That(model.Kind, Is.EqualTo(StatementKind.CreateSchema));
        Assert.That(model.Relations.Select(Rel), Is.EqualTo(new[]
        {
            "orders:Created", "shop.customers:Read", "orders:Altered", "open_orders:Created", "orders:Read", "open_orders:Altered",
        }));
        Assert.That(model.Ddl.Single(), Is.TypeOf<CreateSchemaAction>().With.Property(nameof(CreateSchemaAction.Schema)).EqualTo("shop"));
    }
}
