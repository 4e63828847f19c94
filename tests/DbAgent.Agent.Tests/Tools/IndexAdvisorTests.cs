using DbAgent.Agent.Tools;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Agent.Tests.Tools;

/// <summary>The advisor on statement models as the parser builds them, including shapes plain SQL tests reach less easily.</summary>
public class IndexAdvisorTests
{
    private static readonly QualifiedName Orders = new(null, "orders");
    private static readonly RelationReference OrdersRef = new(Orders, "o", new TextSpan(0, 6), RelationRole.Read);

    private static ColumnReference Col(string name) => new("o", name, default) { Relation = OrdersRef };

    private static StatementModel Select(IReadOnlyList<Predicate> predicates, IReadOnlyList<OrderItem>? order = null, LimitClause? limit = null) => new()
    {
        Kind = StatementKind.Select,
        Span = new TextSpan(0, 100),
        Relations = [OrdersRef],
        Predicates = predicates,
        HasWhere = predicates.Count > 0,
        OrderBy = order ?? [],
        Limit = limit,
    };

    [Test]
    public void Equalities_first_then_the_range_that_is_also_the_order()
    {
        var model = Select(
            [new Predicate(PredicateKind.Range, Col("created_at"), default), new Predicate(PredicateKind.Equality, Col("customer_id"), default)],
            [new OrderItem(Col("created_at"), "o.created_at", true, default)],
            new LimitClause(default) { Limit = 20 });
        var candidate = IndexAdvisor.Advise(model, SqlDialect.Postgres).Candidates.Single();
        Assert.That(candidate.KeyList, Is.EqualTo("customer_id, created_at"));
        Assert.That(candidate.Keys.Select(k => k.Role), Is.EqualTo(new[] { IndexKeyRole.Equality, IndexKeyRole.Range }));
        Assert.That(candidate.Reasons, Has.Some.Contains("stop after the first rows"));
    }

    [Test]
    public void An_order_on_another_column_than_the_range_keeps_the_sort()
    {
        var model = Select(
            [new Predicate(PredicateKind.Equality, Col("status"), default), new Predicate(PredicateKind.Range, Col("total"), default)],
            [new OrderItem(Col("created_at"), "o.created_at", false, default)]);
        var candidate = IndexAdvisor.Advise(model, SqlDialect.Postgres).Candidates.Single();
        Assert.That(candidate.KeyList, Is.EqualTo("status, total"));
        Assert.That(candidate.Reasons, Has.Some.Contains("the sort stays"));
    }

    [Test]
    public void Without_a_range_the_order_columns_follow_the_equalities_with_mixed_directions_kept()
    {
        var model = Select(
            [new Predicate(PredicateKind.Equality, Col("customer_id"), default)],
            [new OrderItem(Col("created_at"), "created_at", true, default), new OrderItem(Col("id"), "id", false, default)]);
        var candidate = IndexAdvisor.Advise(model, SqlDialect.Postgres).Candidates.Single();
        Assert.That(candidate.Ddl, Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_created_at_id ON orders (customer_id, created_at DESC, id);"));
    }

    [Test]
    public void Function_wrapped_columns_become_expression_keys()
    {
        var model = Select([new Predicate(PredicateKind.FunctionWrapped, Col("email"), default) { Function = "lower", Operator = "=" }]);
        var pg = IndexAdvisor.Advise(model, SqlDialect.Postgres).Candidates.Single();
        Assert.That(pg.Ddl, Does.Contain("ON orders (lower(email))"));
        var mysql = IndexAdvisor.Advise(model, SqlDialect.MySql).Candidates.Single();
        Assert.That(mysql.Ddl, Does.Contain("((lower(email)))"));
    }

    [Test]
    public void Is_null_filters_become_a_partial_index()
    {
        var model = Select([new Predicate(PredicateKind.Equality, Col("customer_id"), default), new Predicate(PredicateKind.IsNull, Col("deleted_at"), default)]);
        var candidate = IndexAdvisor.Advise(model, SqlDialect.Postgres).Candidates.Single();
        Assert.That(candidate.Ddl, Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id ON orders (customer_id) WHERE deleted_at IS NULL;"));
        var tsql = IndexAdvisor.Advise(model, SqlDialect.TSql).Candidates.Single();
        Assert.That(tsql.Ddl, Does.Contain("WHERE deleted_at IS NULL WITH (ONLINE = ON)"));
    }

    [Test]
    public void Infix_like_and_or_across_columns_get_hints_not_btree_keys()
    {
        var model = Select(
        [
            new Predicate(PredicateKind.LikeInfix, Col("name"), default),
            new Predicate(PredicateKind.Equality, Col("email"), default) { OrGroup = 1 },
            new Predicate(PredicateKind.Equality, Col("phone"), default) { OrGroup = 1 },
        ]);
        var advice = IndexAdvisor.Advise(model, SqlDialect.Postgres);
        Assert.That(advice.Candidates, Is.Empty);
        Assert.That(advice.Hints.Select(h => h.Text), Has.Some.Contains("gin_trgm_ops"));
        Assert.That(advice.Hints.Select(h => h.Text), Has.Some.Contains("BitmapOr"));
    }

    [Test]
    public void An_existing_index_that_starts_with_the_keys_covers_the_candidate()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        var table = new TableModel { Name = Orders };
        table.Indexes.Add(new IndexModel { Name = "ix_orders_cust_created", Table = Orders, Keys = [new IndexKey("customer_id", null, false), new IndexKey("created_at", null, false), new IndexKey("id", null, false)] });
        schema.Tables.Add(table);
        var model = Select([new Predicate(PredicateKind.Equality, Col("customer_id"), default), new Predicate(PredicateKind.Range, Col("created_at"), default)]);
        Assert.That(IndexAdvisor.Advise(model, SqlDialect.Postgres, schema).Candidates.Single().CoveredBy, Is.EqualTo("ix_orders_cust_created"));
    }

    [Test]
    public void Join_columns_are_indexed_on_the_table_that_owns_them()
    {
        var customers = new RelationReference(new QualifiedName(null, "customers"), "c", default, RelationRole.Read);
        var model = new StatementModel
        {
            Kind = StatementKind.Select,
            Span = default,
            Relations = [customers, OrdersRef],
            Predicates =
            [
                new Predicate(PredicateKind.Join, new ColumnReference("c", "id", default) { Relation = customers }, default) { OtherColumn = Col("customer_id"), Clause = PredicateClause.JoinOn },
                new Predicate(PredicateKind.Equality, new ColumnReference("c", "country", default) { Relation = customers }, default),
            ],
        };
        var candidates = IndexAdvisor.Advise(model, SqlDialect.Sqlite).Candidates;
        Assert.That(candidates.Select(c => $"{c.Table}({c.KeyList})"), Is.EquivalentTo(new[] { "customers(country, id)", "orders(customer_id)" }));
    }

    [Test]
    public void Ddl_statements_get_no_advice() =>
        Assert.That(IndexAdvisor.Advise(new StatementModel { Kind = StatementKind.CreateTable, Span = default }, SqlDialect.Postgres).Candidates, Is.Empty);

    [Test]
    public void A_join_key_stays_out_of_an_index_that_serves_a_range_and_a_lone_id_is_taken_for_the_primary_key()
    {
        var customers = new RelationReference(new QualifiedName(null, "customers"), "c", default, RelationRole.Read);
        var model = new StatementModel
        {
            Kind = StatementKind.Select,
            Span = default,
            Relations = [OrdersRef, customers],
            Predicates =
            [
                new Predicate(PredicateKind.Join, new ColumnReference("c", "id", default) { Relation = customers }, default) { OtherColumn = Col("customer_id"), Clause = PredicateClause.JoinOn },
                new Predicate(PredicateKind.Equality, Col("status"), default),
                new Predicate(PredicateKind.Range, Col("created_at"), default),
            ],
            OrderBy = [new OrderItem(Col("created_at"), "o.created_at", true, default)],
        };
        var advice = IndexAdvisor.Advise(model, SqlDialect.Postgres);
        var orders = advice.Candidates.Single();
        Assert.That(orders.KeyList, Is.EqualTo("status, created_at"));
        Assert.That(orders.Reasons, Has.Some.Contains("inner side of a nested loop"));
        Assert.That(advice.Hints.Select(h => h.Text), Has.Some.Contains("`customers.id` is joined on"));
    }

    [Test]
    public void A_primary_key_covers_a_candidate_on_its_columns()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        var table = new TableModel { Name = Orders };
        table.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Name = "orders_pkey", Columns = ["id"] });
        schema.Tables.Add(table);
        var model = Select([new Predicate(PredicateKind.Equality, Col("id"), default)]);
        Assert.That(IndexAdvisor.Advise(model, SqlDialect.Postgres, schema).Candidates.Single().CoveredBy, Is.EqualTo("orders_pkey"));
    }
}
