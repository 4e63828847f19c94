using DbAgent.Analysis.Advisor;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Tests.Advisor;

/// <summary>The chat's view of the advisor (reasons, hints, covering indexes) on statement models as the parser builds them.</summary>
public class IndexAdviceTests
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
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.Postgres).Up, Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_created_at_desc_id ON orders (customer_id, created_at DESC, id);"));
    }

    [Test]
    public void Function_wrapped_columns_become_expression_keys()
    {
        var model = Select([new Predicate(PredicateKind.FunctionWrapped, Col("email"), default) { Function = "lower", Operator = "=" }]);
        var pg = IndexAdvisor.Advise(model, SqlDialect.Postgres).Candidates.Single();
        Assert.That(IndexAdvisor.Render(pg, SqlDialect.Postgres).Up, Does.Contain("ON orders (lower(email))"));
        // MariaDB has no functional key parts and SQL Server no expression keys: there the expression index is a
        // hint with its caveats, not DDL that fails on half the engines the dialect covers.
        var mysql = IndexAdvisor.Advise(model, SqlDialect.MySql);
        Assert.That(mysql.Candidates, Is.Empty);
        Assert.That(mysql.Hints.Select(h => h.Text), Has.Some.Contains("((lower(email)))"));
        Assert.That(mysql.Hints.Select(h => h.Text), Has.Some.Contains("MariaDB"));
        var tsql = IndexAdvisor.Advise(model, SqlDialect.TSql);
        Assert.That(tsql.Candidates, Is.Empty);
        Assert.That(tsql.Hints.Select(h => h.Text), Has.Some.Contains("PERSISTED"));
    }

    [Test]
    public void Is_null_filters_become_a_partial_index()
    {
        var model = Select([new Predicate(PredicateKind.Equality, Col("customer_id"), default), new Predicate(PredicateKind.IsNull, Col("deleted_at"), default)]);
        var candidate = IndexAdvisor.Advise(model, SqlDialect.Postgres).Candidates.Single();
        Assert.That(IndexAdvisor.Render(candidate, SqlDialect.Postgres).Up, Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_part_08961874 ON orders (customer_id) WHERE deleted_at IS NULL;"));
        var tsql = IndexAdvisor.Advise(model, SqlDialect.TSql).Candidates.Single();
        Assert.That(IndexAdvisor.Render(tsql, SqlDialect.TSql).Up, Does.Contain("WHERE deleted_at IS NULL WITH (ONLINE = ON)"));
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

    // ---- real SQL: the quick fix and the chat see the same index ------------------------------------------------

    private static StatementModel Parse(string sql, SqlDialect dialect = SqlDialect.Postgres) => SqlScript.Parse(sql, dialect).Statements[0].Model;

    [TestCase("SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'paid' AND o.created_at > $1 ORDER BY o.created_at DESC LIMIT 20")]
    [TestCase("SELECT * FROM orders WHERE customer_id = 7 AND deleted_at IS NULL")]
    [TestCase("SELECT * FROM users WHERE lower(email) = 'a@b.c' OR name LIKE '%x%'")]
    [TestCase("SELECT * FROM orders WHERE (status = 'new' OR status = 'paid') AND total > 100")]
    public void The_quick_fix_proposes_exactly_the_chat_advice_that_is_not_covered(string sql)
    {
        var statement = Parse(sql);
        var advice = IndexAdvisor.Advise(statement, SqlDialect.Postgres, null, sql);
        var proposed = IndexAdvisor.Propose(statement, null, SqlDialect.Postgres, sql);
        Assert.That(proposed.Select(c => IndexAdvisor.Render(c, SqlDialect.Postgres).Up),
            Is.EqualTo(advice.Candidates.Where(c => c.CoveredBy is null).Select(c => IndexAdvisor.Render(c, SqlDialect.Postgres).Up)));
        foreach (var relation in statement.Relations.Where(r => !r.IsCommonTableExpression))
        {
            var one = IndexAdvisor.ProposeFor(statement, relation, null, SqlDialect.Postgres, sql);
            Assert.That(one is null ? null : IndexAdvisor.Render(one, SqlDialect.Postgres).Up,
                Is.EqualTo(proposed.Where(c => NameComparer.SameObject(c.Table, relation.Name)).Select(c => IndexAdvisor.Render(c, SqlDialect.Postgres).Up).FirstOrDefault()));
        }
    }

    [Test]
    public void Alternatives_on_one_column_are_an_in_list_and_a_lone_is_null_gets_a_partial_index()
    {
        const string or = "SELECT * FROM orders WHERE (status = 'new' OR status = 'paid') AND total > 100";
        var candidate = IndexAdvisor.Propose(Parse(or), null, SqlDialect.Postgres, or).Single();
        Assert.That(candidate.KeyList, Is.EqualTo("status, total"));
        Assert.That(candidate.Reasons, Has.Some.Contains("alternatives joined by OR"));

        const string mixed = "SELECT * FROM orders WHERE status = 'new' OR amount_due > 0";
        Assert.That(IndexAdvisor.Propose(Parse(mixed), null, SqlDialect.Postgres, mixed), Is.Empty);

        const string queue = "SELECT id FROM jobs WHERE finished_at IS NULL";
        var jobs = IndexAdvisor.Propose(Parse(queue), null, SqlDialect.Postgres, queue).Single();
        Assert.That(IndexAdvisor.Render(jobs, SqlDialect.Postgres).Up,
            Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_jobs_finished_at_part_ef31de3d ON jobs (finished_at) WHERE finished_at IS NULL;"));
        Assert.That(IndexAdvisor.Render(jobs, SqlDialect.Sqlite).Up, Does.EndWith("ON jobs (finished_at) WHERE finished_at IS NULL;"));
        Assert.That(IndexAdvisor.Propose(Parse(queue, SqlDialect.MySql), null, SqlDialect.MySql, queue).Single().Predicate, Is.Null, "MySQL has no partial indexes");
    }

    [Test]
    public void A_partial_index_covers_only_the_same_filter_and_a_backward_scan_serves_one_direction_only()
    {
        const string sql = "SELECT * FROM orders WHERE customer_id = 7 AND deleted_at IS NULL";
        SchemaModel With(IndexModel index)
        {
            var schema = new SchemaModel(SqlDialect.Postgres);
            var table = new TableModel { Name = Orders };
            table.Indexes.Add(index);
            schema.Tables.Add(table);
            return schema;
        }
        IndexModel Index(string? predicate, params IndexKey[] keys) => new() { Name = "existing", Table = Orders, Keys = [.. keys], Predicate = predicate };
        var key = new IndexKey("customer_id", null, false);
        Assert.That(IndexAdvisor.Advise(Parse(sql), SqlDialect.Postgres, With(Index("deleted_at IS NULL", key)), sql).Candidates.Single().CoveredBy, Is.EqualTo("existing"));
        Assert.That(IndexAdvisor.Advise(Parse(sql), SqlDialect.Postgres, With(Index(null, key)), sql).Candidates.Single().CoveredBy, Is.EqualTo("existing"));
        Assert.That(IndexAdvisor.Advise(Parse(sql), SqlDialect.Postgres, With(Index("status = 'new'", key)), sql).Candidates.Single().CoveredBy, Is.Null);

        const string sorted = "SELECT * FROM orders WHERE customer_id = 7 ORDER BY created_at DESC, id";
        var asc = Index(null, key, new IndexKey("created_at", null, false), new IndexKey("id", null, false));
        var matching = Index(null, key, new IndexKey("created_at", null, true), new IndexKey("id", null, false));
        Assert.That(IndexAdvisor.Advise(Parse(sorted), SqlDialect.Postgres, With(asc), sorted).Candidates.Single().CoveredBy, Is.Null);
        Assert.That(IndexAdvisor.Advise(Parse(sorted), SqlDialect.Postgres, With(matching), sorted).Candidates.Single().CoveredBy, Is.EqualTo("existing"));
    }
}
