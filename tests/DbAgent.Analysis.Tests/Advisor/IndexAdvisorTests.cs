using DbAgent.Analysis.Advisor;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Tests.Advisor;

public class IndexAdvisorTests
{
    // ---- hand-built models: the advisor's own logic, independent of the parser -----------------------------

    private static readonly RelationReference Orders = new(new QualifiedName(null, "orders"), null, new TextSpan(14, 6), RelationRole.Read);

    private static ColumnReference Col(string name) => new(null, name, default) { Relation = Orders };

    private static StatementModel Model(IReadOnlyList<Predicate> predicates, IReadOnlyList<OrderItem>? order = null) => new()
    {
        Kind = StatementKind.Select, Span = new TextSpan(0, 100), Relations = [Orders], Predicates = predicates,
        OrderBy = order ?? [], HasWhere = predicates.Count > 0,
    };

    private static SchemaModel Schema(params IndexModel[] indexes)
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        var table = new TableModel { Name = new QualifiedName(null, "orders") };
        table.Columns.AddRange(new[] { "id", "customer_id", "status", "created_at", "total" }.Select(c => new ColumnModel { Name = c, DataType = "integer" }));
        table.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Columns = ["id"] });
        table.Indexes.AddRange(indexes);
        schema.Tables.Add(table);
        return schema;
    }

    private static IndexModel Index(string name, params string[] columns) =>
        new() { Name = name, Table = new QualifiedName(null, "orders"), Keys = columns.Select(c => new IndexKey(c, null, false)).ToList() };

    [Test]
    public void Equality_first_then_the_range_column()
    {
        var model = Model([new Predicate(PredicateKind.Range, Col("created_at"), default) { Operator = ">=" },
                           new Predicate(PredicateKind.Equality, Col("customer_id"), default) { Operator = "=" }]);
        var candidate = IndexAdvisor.Propose(model, Schema(), SqlDialect.Postgres).Single();
        Assert.That(candidate.Columns, Is.EqualTo(new[] { "customer_id", "created_at" }));
        Assert.That(candidate.Keys.Select(k => k.Role), Is.EqualTo(new[] { IndexKeyRole.Equality, IndexKeyRole.Range }));
        Assert.That(candidate.Name, Is.EqualTo("ix_orders_customer_id_created_at"));
        Assert.That(candidate.TableSpan, Is.EqualTo(Orders.Span));
    }

    [Test]
    public void Order_by_follows_the_equalities_and_absorbs_a_range_on_its_first_key()
    {
        var model = Model(
            [new Predicate(PredicateKind.Equality, Col("customer_id"), default), new Predicate(PredicateKind.Range, Col("created_at"), default)],
            [new OrderItem(Col("created_at"), "created_at", true, default)]);
        var candidate = IndexAdvisor.Propose(model, null, SqlDialect.Postgres).Single();
        // One direction is served by a backward scan: the key stays ascending, and it is the range key that also sorts.
        Assert.That(candidate.IndexKeys.Select(k => k.ToString()), Is.EqualTo(new[] { "customer_id", "created_at" }));
        Assert.That(candidate.Keys[1].Role, Is.EqualTo(IndexKeyRole.Range));
        Assert.That(candidate.Reasons, Has.Some.Contains("sort disappears"));

        var mixed = Model([new Predicate(PredicateKind.Equality, Col("customer_id"), default)],
            [new OrderItem(Col("created_at"), "created_at", true, default), new OrderItem(Col("total"), "total", false, default)]);
        var both = IndexAdvisor.Propose(mixed, null, SqlDialect.Postgres).Single();
        Assert.That(both.IndexKeys.Select(k => k.ToString()), Is.EqualTo(new[] { "customer_id", "created_at DESC", "total" }));
        Assert.That(both.Keys.Skip(1).Select(k => k.Role), Is.EqualTo(new[] { IndexKeyRole.Sort, IndexKeyRole.Sort }));
    }

    [Test]
    public void A_range_on_another_column_than_the_sort_keeps_the_range_and_drops_the_sort()
    {
        var model = Model(
            [new Predicate(PredicateKind.Equality, Col("status"), default), new Predicate(PredicateKind.Between, Col("created_at"), default)],
            [new OrderItem(Col("total"), "total", false, default)]);
        Assert.That(IndexAdvisor.Propose(model, null, SqlDialect.Postgres).Single().Columns, Is.EqualTo(new[] { "status", "created_at" }));
    }

    [Test]
    public void Or_alternatives_and_unindexable_predicates_give_no_keys()
    {
        var model = Model([new Predicate(PredicateKind.Equality, Col("status"), default) { OrGroup = 1 },
                           new Predicate(PredicateKind.Equality, Col("customer_id"), default) { OrGroup = 1 },
                           new Predicate(PredicateKind.LikeInfix, Col("total"), default)]);
        Assert.That(IndexAdvisor.Propose(model, null, SqlDialect.Postgres), Is.Empty);
    }

    [Test]
    public void An_existing_index_that_starts_with_the_keys_covers_them()
    {
        var model = Model([new Predicate(PredicateKind.Equality, Col("customer_id"), default), new Predicate(PredicateKind.Range, Col("created_at"), default)]);
        Assert.That(IndexAdvisor.Propose(model, Schema(Index("orders_cust_created_total", "customer_id", "created_at", "total")), SqlDialect.Postgres), Is.Empty);
        Assert.That(IndexAdvisor.Propose(model, Schema(Index("orders_cust", "customer_id")), SqlDialect.Postgres), Has.Count.EqualTo(1),
            "an index on a shorter prefix does not serve the range");
        Assert.That(IndexAdvisor.Propose(model, Schema(Index("orders_created_cust", "created_at", "customer_id")), SqlDialect.Postgres), Has.Count.EqualTo(1),
            "the range first does not serve the equality");

        var twoEqualities = Model([new Predicate(PredicateKind.Equality, Col("status"), default), new Predicate(PredicateKind.Equality, Col("customer_id"), default)]);
        Assert.That(IndexAdvisor.Propose(twoEqualities, Schema(Index("x", "customer_id", "status")), SqlDialect.Postgres), Is.Empty,
            "equality keys match in any order");
        var byId = Model([new Predicate(PredicateKind.Equality, Col("id"), default)]);
        Assert.That(IndexAdvisor.Propose(byId, Schema(), SqlDialect.Postgres), Is.Empty, "the primary key covers it");
    }

    [Test]
    public void A_function_wrapped_column_gets_an_expression_index_on_postgres_and_sqlite_only()
    {
        const string text = "SELECT * FROM orders WHERE lower(status) = 'open'";
        var predicate = new Predicate(PredicateKind.FunctionWrapped, Col("status"), TextSpan.FromBounds(text.IndexOf("lower", StringComparison.Ordinal), text.Length))
        {
            Operator = "=", Function = "lower",
        };
        var model = Model([predicate]);
        var candidate = IndexAdvisor.Propose(model, null, SqlDialect.Postgres, text).Single();
        Assert.That(candidate.IsExpressionIndex, Is.True);
        Assert.That(candidate.Name, Is.EqualTo("ix_orders_lower_status"));
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.Postgres).Up,
            Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_lower_status ON orders (lower(status));"));
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.Sqlite).Up, Is.EqualTo("CREATE INDEX IF NOT EXISTS ix_orders_lower_status ON orders ((lower(status)));"));
        Assert.That(IndexAdvisor.Propose(model, null, SqlDialect.MySql), Is.Empty);

        // Without the text, the expression is rebuilt from the function and the column; casts keep their form.
        var cast = Model([new Predicate(PredicateKind.FunctionWrapped, Col("created_at"), default) { Operator = "=", Function = "::date" }]);
        var castCandidate = IndexAdvisor.Propose(cast, null, SqlDialect.Postgres).Single();
        Assert.That(IndexAdvisor.Render(castCandidate, SqlDialect.Postgres).Up, Does.EndWith("ON orders ((created_at::date));"));
    }

    [Test]
    public void Ddl_per_engine_is_online_and_reversible()
    {
        var candidate = new IndexCandidate(new QualifiedName("shop", "orders"),
            [new CandidateKey(new IndexKey("customer_id", null, false), IndexKeyRole.Equality), new CandidateKey(new IndexKey("created_at", null, true), IndexKeyRole.Sort)],
            "ix_orders_customer_id_created_at");

        var pg = IndexAdvisor.Render(candidate, SqlDialect.Postgres);
        Assert.That(pg.Up, Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_created_at ON shop.orders (customer_id, created_at DESC);"));
        Assert.That(pg.Down, Is.EqualTo("DROP INDEX CONCURRENTLY IF EXISTS shop.ix_orders_customer_id_created_at;"));
        Assert.That(pg.Note, Does.Contain("transaction"));

        var my = IndexAdvisor.Render(candidate, SqlDialect.MySql);
        Assert.That(my.Up, Is.EqualTo("ALTER TABLE shop.orders ADD INDEX ix_orders_customer_id_created_at (customer_id, created_at DESC), ALGORITHM=INPLACE, LOCK=NONE;"));
        Assert.That(my.Down, Is.EqualTo("ALTER TABLE shop.orders DROP INDEX ix_orders_customer_id_created_at, ALGORITHM=INPLACE, LOCK=NONE;"));

        var ms = IndexAdvisor.Render(candidate, SqlDialect.TSql);
        Assert.That(ms.Up, Is.EqualTo("CREATE NONCLUSTERED INDEX ix_orders_customer_id_created_at ON shop.orders (customer_id, created_at DESC) WITH (ONLINE = ON);"));
        Assert.That(ms.Down, Is.EqualTo("DROP INDEX ix_orders_customer_id_created_at ON shop.orders;"));

        Assert.That(IndexAdvisor.Render(candidate with { Table = new QualifiedName("main", "orders") }, SqlDialect.Sqlite).Up,
            Is.EqualTo("CREATE INDEX IF NOT EXISTS main.ix_orders_customer_id_created_at ON orders (customer_id, created_at DESC);"), "SQLite puts the schema on the index name");
        var lite = IndexAdvisor.Render(candidate with { Table = new QualifiedName(null, "orders") }, SqlDialect.Sqlite);
        Assert.That(lite.Up, Is.EqualTo("CREATE INDEX IF NOT EXISTS ix_orders_customer_id_created_at ON orders (customer_id, created_at DESC);"));
        Assert.That(lite.Down, Is.EqualTo("DROP INDEX IF EXISTS ix_orders_customer_id_created_at;"));
    }

    [Test]
    public void Identifiers_are_quoted_per_engine_only_when_needed()
    {
        var candidate = new IndexCandidate(new QualifiedName(null, "Order Lines"),
            [new CandidateKey(new IndexKey("order", null, false), IndexKeyRole.Equality), new CandidateKey(new IndexKey("ProductId", null, false), IndexKeyRole.Equality)],
            IndexAdvisor.IndexName(new QualifiedName(null, "Order Lines"), [new IndexKey("order", null, false), new IndexKey("ProductId", null, false)]));
        Assert.That(candidate.Name, Is.EqualTo("ix_order_lines_order_productid"));
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.Postgres).Up, Does.Contain("ON \"Order Lines\" (\"order\", \"ProductId\")"));
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.MySql).Up, Does.Contain("ALTER TABLE `Order Lines` ADD INDEX ix_order_lines_order_productid (`order`, ProductId)"));
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.TSql).Up, Does.Contain("ON [Order Lines] ([order], ProductId)"));
    }

    [Test]
    public void Index_names_are_deterministic_and_fit_postgres_identifiers()
    {
        var keys = Enumerable.Range(0, 8).Select(i => new IndexKey($"a_rather_long_column_name_{i}", null, false)).ToList();
        var name = IndexAdvisor.IndexName(new QualifiedName(null, "orders"), keys);
        Assert.That(name, Has.Length.LessThanOrEqualTo(63));
        Assert.That(name, Does.StartWith("ix_orders_a_rather_long_column_name_0"));
        Assert.That(IndexAdvisor.IndexName(new QualifiedName(null, "orders"), keys), Is.EqualTo(name));
        Assert.That(IndexAdvisor.IndexName(new QualifiedName(null, "orders"), keys.Take(7)), Is.Not.EqualTo(name));
    }

    // ---- real SQL through the parser -----------------------------------------------------------------------

    private static StatementModel Parse(string sql, SqlDialect dialect = SqlDialect.Postgres) => SqlScript.Parse(sql, dialect).Statements[0].Model;

    [Test]
    public void Sql_equality_range_and_order_by()
    {
        const string sql = "SELECT id FROM orders WHERE customer_id = $1 AND created_at >= $2 ORDER BY created_at";
        var candidate = IndexAdvisor.Propose(Parse(sql), null, SqlDialect.Postgres, sql).Single();
        Assert.That(candidate.Columns, Is.EqualTo(new[] { "customer_id", "created_at" }));
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.Postgres).Up,
            Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_created_at ON orders (customer_id, created_at);"));
        Assert.That(candidate.TableSpan is { } span ? sql.Substring(span.Start, span.Length) : null, Is.EqualTo("orders"));
    }

    [Test]
    public void Sql_covered_by_an_existing_index_gives_nothing()
    {
        const string sql = "SELECT id FROM orders WHERE customer_id = 7 AND created_at >= '2024-01-01' ORDER BY created_at";
        Assert.That(IndexAdvisor.Propose(Parse(sql), Schema(Index("ix_existing", "customer_id", "created_at")), SqlDialect.Postgres, sql), Is.Empty);
        Assert.That(IndexAdvisor.Propose(Parse(sql), Schema(), SqlDialect.Postgres, sql), Has.Count.EqualTo(1));
    }

    [Test]
    public void Sql_function_wrapped_column_gives_an_expression_index_on_postgres()
    {
        const string sql = "SELECT id FROM users WHERE lower(email) = 'a@example.com'";
        var candidate = IndexAdvisor.Propose(Parse(sql), null, SqlDialect.Postgres, sql).Single();
        Assert.That(candidate.IsExpressionIndex, Is.True);
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.Postgres).Up,
            Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_users_lower_email ON users (lower(email));"));
    }

    [Test]
    public void Sql_join_columns_of_the_inner_table()
    {
        const string sql = "SELECT * FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 42";
        var candidates = IndexAdvisor.Propose(Parse(sql), null, SqlDialect.MySql, sql);
        Assert.That(candidates.Select(c => (c.Table.Name, string.Join(",", c.Columns))),
            Is.EquivalentTo(new[] { ("orders", "customer_id,id"), ("order_items", "order_id") }));
    }
}
