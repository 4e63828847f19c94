using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Tests.Schema;

/// <summary>The table lookup that keeps replay linear, and forks that share tables until a replay changes them.</summary>
public class SchemaScaleTests
{
    private static QualifiedName N(string name) => QualifiedName.Parse(name);

    [Test]
    public void Lookup_follows_adds_removes_renames_and_the_default_schema()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        SchemaReplayer.Replay(SqlScript.Parse("CREATE TABLE a (id int); CREATE TABLE app.b (id int); ALTER TABLE a RENAME TO c; DROP TABLE app.b;", SqlDialect.Postgres), schema);
        Assert.That(schema.FindTable(N("a")), Is.Null);
        Assert.That(schema.FindTable(N("C")), Is.Not.Null, "renamed, and names compare case-insensitively");
        Assert.That(schema.FindTable(N("public.c")), Is.SameAs(schema.FindTable(N("c"))), "unqualified means the default schema");
        Assert.That(schema.FindTable(N("app.b")), Is.Null);
        schema.Tables.Add(new TableModel { Name = N("x.y") });
        Assert.That(schema.FindTable(N("x.y")), Is.Not.Null);
        Assert.That(schema.FindTable(N("y")), Is.Null, "another schema's table is not the default schema's");
        schema.Tables.RemoveAll(t => t.Name.Name == "y");
        Assert.That(schema.FindTable(N("x.y")), Is.Null);
    }

    [Test]
    public void A_fork_copies_only_what_its_replay_changes_and_leaves_the_base_alone()
    {
        var base_ = new SchemaModel(SqlDialect.Postgres);
        SchemaReplayer.Replay(SqlScript.Parse("CREATE TABLE customers (id int PRIMARY KEY); CREATE TABLE orders (id int, customer_id int REFERENCES customers);", SqlDialect.Postgres), base_);
        var fork = base_.Fork();
        SchemaReplayer.Replay(SqlScript.Parse("ALTER TABLE orders ADD COLUMN note text; CREATE TABLE notes (id int); ALTER TABLE customers RENAME COLUMN id TO customer_key;", SqlDialect.Postgres), fork);

        Assert.That(base_.FindTable(N("orders"))!.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "customer_id" }));
        Assert.That(base_.FindTable(N("customers"))!.FindColumn("id"), Is.Not.Null);
        Assert.That(base_.FindTable(N("notes")), Is.Null);
        Assert.That(base_.FindTable(N("orders"))!.ForeignKeys.Single().ReferencedColumns, Is.EqualTo(new[] { "id" }));

        Assert.That(fork.FindTable(N("orders"))!.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "customer_id", "note" }));
        Assert.That(fork.FindTable(N("notes")), Is.Not.Null);
        Assert.That(fork.FindTable(N("orders"))!.ForeignKeys.Single().ReferencedColumns, Is.EqualTo(new[] { "customer_key" }), "the referencing table was copied, then changed");
        Assert.That(fork.Tables.Count, Is.EqualTo(3));
    }

    [Test]
    public void A_fork_shares_the_tables_its_replay_does_not_touch()
    {
        var base_ = new SchemaModel(SqlDialect.Postgres);
        SchemaReplayer.Replay(SqlScript.Parse("CREATE TABLE a (id int); CREATE TABLE b (id int);", SqlDialect.Postgres), base_);
        var fork = base_.Fork();
        SchemaReplayer.Replay(SqlScript.Parse("ALTER TABLE b ADD COLUMN x int;", SqlDialect.Postgres), fork);
        Assert.That(fork.FindTable(N("a")), Is.SameAs(base_.FindTable(N("a"))));
        Assert.That(fork.FindTable(N("b")), Is.Not.SameAs(base_.FindTable(N("b"))));
    }
}
