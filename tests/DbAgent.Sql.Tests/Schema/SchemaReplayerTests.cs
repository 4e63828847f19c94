using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Tests.Schema;

/// <summary>Replay from DDL actions built directly, as the parser hands them over.</summary>
public class SchemaReplayerTests
{
    private static readonly TextSpan At = new(0, 1);
    private static QualifiedName N(string name) => QualifiedName.Parse(name);

    private static ColumnDefinition Col(string name, string type, bool? nullable = null) =>
        new(name, type, new TextSpan(10, 5)) { RawType = type, Nullable = nullable };

    private static StatementModel Statement(StatementKind kind, params DdlAction[] actions) =>
        new() { Kind = kind, Span = new TextSpan(0, 100), Ddl = actions };

    private static (SchemaReplayer, SchemaModel) Users(SqlDialect dialect = SqlDialect.Postgres)
    {
        var schema = new SchemaModel(dialect);
        var replayer = new SchemaReplayer(schema);
        replayer.Apply(Statement(StatementKind.CreateTable, new CreateTableAction(N("users"),
            [Col("id", "serial") with { IsPrimaryKey = true }, Col("email", "character varying(255)", false), Col("team_id", "int4")],
            [new ConstraintDefinition(ConstraintKind.Unique, null, ["email"], At)], new TextSpan(0, 80))), "file:///m/001.sql");
        return (replayer, schema);
    }

    [Test]
    public void Create_table_builds_columns_keys_and_implicit_indexes()
    {
        var (replayer, schema) = Users();
        var users = schema.FindTable(N("public.users"));
        Assert.That(users, Is.Not.Null, "unqualified names land in the default schema");
        Assert.That(users!.Columns.Select(c => (c.Name, c.DataType, c.Nullable)),
            Is.EqualTo(new[] { ("id", "integer", false), ("email", "varchar(255)", false), ("team_id", "integer", true) }));
        Assert.That(users.FindColumn("ID")!.IsIdentity, Is.True, "serial is an identity column");
        Assert.That(users.PrimaryKey!.Columns, Is.EqualTo(new[] { "id" }));
        Assert.That(users.PrimaryKey.Name, Is.EqualTo("users_pkey"));
        Assert.That(users.Indexes.Select(i => (i.Name, i.Unique, i.IsPrimaryKey)),
            Is.EquivalentTo(new[] { ("users_pkey", true, true), ("users_email_key", true, false) }));
        Assert.That(users.Origin, Is.EqualTo(new SchemaOrigin("file:///m/001.sql", new TextSpan(0, 80))));
        Assert.That(users.FindColumn("email")!.Origin!.DocumentUri, Is.EqualTo("file:///m/001.sql"));
        Assert.That(replayer.Issues, Is.Empty);
    }

    [Test]
    public void Create_table_twice_is_an_issue_unless_if_not_exists()
    {
        var (replayer, schema) = Users();
        replayer.Apply(new CreateTableAction(N("users"), [Col("x", "int")], [], At) { IfNotExists = true });
        Assert.That(replayer.Issues, Is.Empty);
        replayer.Apply(new CreateTableAction(N("users"), [Col("x", "int")], [], At));
        Assert.That(replayer.Issues.Single().Message, Does.Contain("already exists"));
        Assert.That(schema.FindTable(N("users"))!.FindColumn("x"), Is.Null, "the failed create changes nothing");
    }

    [Test]
    public void Add_alter_and_drop_columns()
    {
        var (replayer, schema) = Users();
        replayer.Apply(new AddColumnAction(N("users"), Col("created_at", "timestamp with time zone", false) with { Default = "now()" }, At));
        replayer.Apply(new AlterColumnTypeAction(N("users"), "team_id", "bigint", "int8", At));
        replayer.Apply(new SetColumnNullabilityAction(N("users"), "team_id", false, At));
        replayer.Apply(new SetColumnDefaultAction(N("users"), "team_id", "0", At));
        replayer.Apply(new DropColumnAction(N("users"), "email", At));
        replayer.Apply(new DropColumnAction(N("users"), "nope", At) { IfExists = true });

        var users = schema.FindTable(N("users"))!;
        Assert.That(users.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "team_id", "created_at" }));
        Assert.That(users.FindColumn("created_at")!.DataType, Is.EqualTo("timestamptz"));
        Assert.That(users.FindColumn("created_at")!.Default, Is.EqualTo("now()"));
        Assert.That(users.FindColumn("team_id")!.DataType, Is.EqualTo("bigint"));
        Assert.That(users.FindColumn("team_id")!.Nullable, Is.False);
        Assert.That(users.FindColumn("team_id")!.Default, Is.EqualTo("0"));
        Assert.That(users.Indexes.Select(i => i.Name), Is.EqualTo(new[] { "users_pkey" }), "dropping a column drops its unique index");
        Assert.That(users.Constraints.Select(c => c.Kind), Is.EqualTo(new[] { ConstraintKind.PrimaryKey }));
        Assert.That(replayer.Issues, Is.Empty);

        replayer.Apply(new DropColumnAction(N("users"), "nope", new TextSpan(40, 4)));
        Assert.That(replayer.Issues.Single().Span, Is.EqualTo(new TextSpan(40, 4)));
    }

    [Test]
    public void Renames_carry_indexes_constraints_and_foreign_keys_along()
    {
        var (replayer, schema) = Users();
        replayer.Apply(new CreateTableAction(N("posts"), [Col("id", "bigserial") with { IsPrimaryKey = true }, Col("author_id", "integer")],
            [new ConstraintDefinition(ConstraintKind.ForeignKey, "posts_author_fk", ["author_id"], At) { ReferencedTable = N("users"), ReferencedColumns = ["id"] }], At));
        replayer.Apply(new CreateIndexAction(new IndexDefinition(null, N("users"), [new IndexKey("team_id", null, false)], At), At));

        replayer.Apply(new RenameColumnAction(N("users"), "id", "user_id", At));
        replayer.Apply(new RenameColumnAction(N("users"), "team_id", "group_id", At));
        replayer.Apply(new RenameTableAction(N("users"), N("accounts"), At));
        replayer.Apply(new RenameIndexAction(N("users_team_id_idx"), "accounts_group_idx", At));

        Assert.That(schema.FindTable(N("users")), Is.Null);
        var accounts = schema.FindTable(N("accounts"))!;
        Assert.That(accounts.PrimaryKey!.Columns, Is.EqualTo(new[] { "user_id" }));
        Assert.That(accounts.Indexes.Select(i => i.Table.Name).Distinct(), Is.EqualTo(new[] { "accounts" }));
        var groupIndex = accounts.Indexes.Single(i => i.Name == "accounts_group_idx");
        Assert.That(groupIndex.Keys.Single().Column, Is.EqualTo("group_id"));
        var fk = schema.FindTable(N("posts"))!.ForeignKeys.Single();
        Assert.That(fk.ReferencedTable, Is.EqualTo(new QualifiedName(null, "accounts")));
        Assert.That(fk.ReferencedColumns, Is.EqualTo(new[] { "user_id" }));
        Assert.That(replayer.Issues, Is.Empty);
    }

    [Test]
    public void Constraints_added_and_dropped_by_name()
    {
        var (replayer, schema) = Users();
        replayer.Apply(new CreateTableAction(N("teams"), [Col("id", "int", false)], [], At));
        replayer.Apply(new AddConstraintAction(N("teams"), new ConstraintDefinition(ConstraintKind.PrimaryKey, "teams_pk", ["id"], At), At));
        replayer.Apply(new AddConstraintAction(N("users"), new ConstraintDefinition(ConstraintKind.ForeignKey, null, ["team_id"], At) { ReferencedTable = N("teams") }, At));
        var users = schema.FindTable(N("users"))!;
        var fk = users.ForeignKeys.Single();
        Assert.That(fk.Name, Is.EqualTo("users_team_id_fkey"));
        Assert.That(fk.ReferencedColumns, Is.EqualTo(new[] { "id" }), "REFERENCES without columns means the primary key");

        replayer.Apply(new DropConstraintAction(N("users"), "users_team_id_fkey", At));
        replayer.Apply(new DropConstraintAction(N("users"), "users_email_key", At));
        replayer.Apply(new DropConstraintAction(N("users"), "gone", At) { IfExists = true });
        Assert.That(users.ForeignKeys, Is.Empty);
        Assert.That(users.Indexes.Select(i => i.Name), Is.EqualTo(new[] { "users_pkey" }));
        Assert.That(replayer.Issues, Is.Empty);
    }

    [Test]
    public void Create_index_keeps_its_options_and_drop_index_removes_it()
    {
        var (replayer, schema) = Users();
        var definition = new IndexDefinition("users_active_email", N("users"), [new IndexKey("email", null, true), new IndexKey(null, "lower(email)", false)], new TextSpan(3, 30))
        {
            Unique = true, Method = "btree", Predicate = "deleted_at IS NULL", Include = ["team_id"], Concurrently = true,
        };
        replayer.Apply(new CreateIndexAction(definition, definition.Span), "file:///m/002.sql");
        var index = schema.FindIndex(N("users_active_email"))!;
        Assert.That(index.Unique, Is.True);
        Assert.That(index.Keys.Select(k => k.ToString()), Is.EqualTo(new[] { "email DESC", "lower(email)" }));
        Assert.That(index.Predicate, Is.EqualTo("deleted_at IS NULL"));
        Assert.That(index.Include, Is.EqualTo(new[] { "team_id" }));
        Assert.That(index.Origin, Is.EqualTo(new SchemaOrigin("file:///m/002.sql", new TextSpan(3, 30))));

        replayer.Apply(new CreateIndexAction(definition with { IfNotExists = true }, At));
        Assert.That(replayer.Issues, Is.Empty);
        replayer.Apply(new DropObjectAction(DroppedObjectKind.Index, [N("public.users_active_email")], At));
        Assert.That(schema.FindIndex(N("users_active_email")), Is.Null);
        replayer.Apply(new DropObjectAction(DroppedObjectKind.Index, [N("users_active_email")], At) { IfExists = true });
        Assert.That(replayer.Issues, Is.Empty);
    }

    [Test]
    public void Drop_table_with_if_exists_and_cascade()
    {
        var (replayer, schema) = Users();
        replayer.Apply(new CreateTableAction(N("posts"), [Col("author_id", "integer") with { References = new ConstraintDefinition(ConstraintKind.ForeignKey, null, [], At) { ReferencedTable = N("users") } }], [], At));
        Assert.That(schema.FindTable(N("posts"))!.ForeignKeys.Single().Columns, Is.EqualTo(new[] { "author_id" }));

        replayer.Apply(new DropObjectAction(DroppedObjectKind.Table, [N("users")], At) { Cascade = true });
        replayer.Apply(new DropObjectAction(DroppedObjectKind.Table, [N("users"), N("nothing")], At) { IfExists = true });
        Assert.That(schema.Tables.Select(t => t.Name.Name), Is.EqualTo(new[] { "posts" }));
        Assert.That(schema.FindTable(N("posts"))!.ForeignKeys, Is.Empty, "CASCADE drops the foreign keys that pointed at it");
        Assert.That(replayer.Issues, Is.Empty);

        replayer.Apply(new DropObjectAction(DroppedObjectKind.Table, [N("users")], At));
        Assert.That(replayer.Issues.Single().Message, Does.Contain("does not exist"));
    }

    [Test]
    public void Enums_views_sequences_and_schemas()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        var replayer = new SchemaReplayer(schema);
        replayer.Apply(new CreateSchemaAction("billing", At));
        replayer.Apply(new CreateEnumAction(N("billing.status"), ["draft", "paid"], At));
        replayer.Apply(new AddEnumValueAction(N("billing.status"), "void", At));
        replayer.Apply(new AddEnumValueAction(N("billing.status"), "sent", At) { Before = "paid" });
        replayer.Apply(new AddEnumValueAction(N("billing.status"), "refunded", At) { After = "paid" });
        replayer.Apply(new AddEnumValueAction(N("billing.status"), "paid", At));
        Assert.That(schema.FindEnum(N("billing.status"))!.Values, Is.EqualTo(new[] { "draft", "sent", "paid", "refunded", "void" }));

        replayer.Apply(new CreateSequenceAction(N("billing.invoice_no"), At));
        replayer.Apply(new CreateViewAction(N("billing.open"), At) { Definition = "SELECT 1" });
        replayer.Apply(new CreateViewAction(N("billing.open"), At) { Definition = "SELECT 2", OrReplace = true });
        replayer.Apply(new CreateViewAction(N("billing.totals"), At) { Materialized = true });
        Assert.That(schema.FindView(N("billing.open"))!.Definition, Is.EqualTo("SELECT 2"));
        Assert.That(schema.FindView(N("billing.totals"))!.Materialized, Is.True);
        Assert.That(schema.Sequences, Has.Count.EqualTo(1));
        Assert.That(replayer.Issues, Is.Empty);

        replayer.Apply(new DropObjectAction(DroppedObjectKind.Type, [N("billing.status")], At));
        replayer.Apply(new DropObjectAction(DroppedObjectKind.View, [N("billing.open")], At));
        replayer.Apply(new DropObjectAction(DroppedObjectKind.Schema, [N("billing")], At) { Cascade = true });
        Assert.That(schema.Enums, Is.Empty);
        Assert.That(schema.Views, Is.Empty);
        Assert.That(schema.Sequences, Is.Empty);
        Assert.That(schema.Schemas, Is.Empty);
        Assert.That(replayer.Issues, Is.Empty);
    }

    [Test]
    public void Mysql_builds_primary_and_foreign_key_indexes_like_innodb()
    {
        var schema = new SchemaModel(SqlDialect.MySql);
        var replayer = new SchemaReplayer(schema);
        replayer.Apply(new CreateTableAction(N("actor"), [Col("actor_id", "SMALLINT UNSIGNED", false) with { IsIdentity = true }, Col("active", "tinyint(1)")],
            [new ConstraintDefinition(ConstraintKind.PrimaryKey, null, ["actor_id"], At)], At));
        replayer.Apply(new CreateTableAction(N("film_actor"), [Col("actor_id", "smallint unsigned", false), Col("film_id", "smallint unsigned", false)],
            [
                new ConstraintDefinition(ConstraintKind.PrimaryKey, null, ["actor_id", "film_id"], At),
                new ConstraintDefinition(ConstraintKind.ForeignKey, "fk_film_actor_actor", ["actor_id"], At) { ReferencedTable = N("actor"), ReferencedColumns = ["actor_id"] },
                new ConstraintDefinition(ConstraintKind.ForeignKey, "fk_film_actor_film", ["film_id"], At) { ReferencedTable = N("film"), ReferencedColumns = ["film_id"] },
            ], At));
        var actor = schema.FindTable(N("actor"))!;
        Assert.That(actor.FindColumn("active")!.DataType, Is.EqualTo("boolean"));
        Assert.That(actor.Indexes.Single().Name, Is.EqualTo("PRIMARY"));
        var filmActor = schema.FindTable(N("film_actor"))!;
        // actor_id leads the primary key, so only film_id needs an index of its own.
        Assert.That(filmActor.Indexes.Select(i => i.Name), Is.EqualTo(new[] { "PRIMARY", "fk_film_actor_film" }));

        replayer.Apply(new CreateIndexAction(new IndexDefinition("idx_fk_film_id", N("film_actor"), [new IndexKey("film_id", null, false), new IndexKey("actor_id", null, false)], At), At));
        Assert.That(filmActor.Indexes.Select(i => i.Name), Is.EqualTo(new[] { "PRIMARY", "idx_fk_film_id" }), "InnoDB drops its own foreign key index once another can serve the key");

        replayer.Apply(new DropColumnAction(N("film_actor"), "film_id", At));
        Assert.That(filmActor.Indexes.Select(i => i.Keys.Single().Column), Is.EqualTo(new[] { "actor_id", "actor_id" }), "MySQL takes a dropped column out of its indexes");
        replayer.Apply(new DropConstraintAction(N("film_actor"), "PRIMARY", At));
        Assert.That(filmActor.PrimaryKey, Is.Null);
        Assert.That(filmActor.Indexes.Select(i => i.Name), Is.EqualTo(new[] { "idx_fk_film_id" }));
    }

    [Test]
    public void Statements_without_readable_ddl_are_skipped_and_listed()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        var replayer = new SchemaReplayer(schema);
        Assert.That(replayer.Apply(new StatementModel { Kind = StatementKind.CreateTable, Span = new TextSpan(5, 10) }), Is.False);
        Assert.That(replayer.Apply(new StatementModel { Kind = StatementKind.Other, Span = new TextSpan(20, 3), IsOpaque = true }), Is.False);
        Assert.That(replayer.Apply(new StatementModel { Kind = StatementKind.Insert, Span = new TextSpan(30, 3) }), Is.False);
        Assert.That(replayer.Apply(new StatementModel { Kind = StatementKind.AlterTable, Span = new TextSpan(40, 3) }), Is.False);
        Assert.That(replayer.Skipped.Select(s => (s.Kind, s.Span)), Is.EqualTo(new[] { (StatementKind.CreateTable, new TextSpan(5, 10)), (StatementKind.Other, new TextSpan(20, 3)) }),
            "DML changes no schema, and an understood ALTER without actions (OWNER TO) changes nothing the model keeps");
    }

    [Test]
    public void Temporary_tables_and_create_table_as_select()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        var replayer = new SchemaReplayer(schema);
        replayer.Apply(new CreateTableAction(N("scratch"), [Col("x", "int")], [], At) { Temporary = true });
        replayer.Apply(new CreateTableAction(N("report"), [], [], At) { FromQuery = true });
        replayer.Apply(new SetColumnNullabilityAction(N("report"), "total", false, At));
        Assert.That(schema.FindTable(N("scratch")), Is.Null);
        Assert.That(schema.FindTable(N("report"))!.ColumnsIncomplete, Is.True);
        Assert.That(schema.Clone().FindTable(N("report"))!.ColumnsIncomplete, Is.True);
        Assert.That(replayer.Issues, Is.Empty, "columns of a table built from a query are unknown, not missing");
    }

    [TestCase(SqlDialect.Postgres)]
    [TestCase(SqlDialect.MySql)]
    [TestCase(SqlDialect.Sqlite)]
    public void An_inline_references_clause_gives_one_foreign_key_in_create_table_and_in_add_column(SqlDialect dialect)
    {
        var script = DbAgent.Sql.Syntax.SqlScript.Parse("""
            CREATE TABLE customers (id integer PRIMARY KEY);
            CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer REFERENCES customers (id));
            ALTER TABLE orders ADD COLUMN referrer_id integer REFERENCES customers (id);
            """, dialect);
        var schema = new SchemaModel(dialect);
        var replayer = new SchemaReplayer(schema);
        foreach (var statement in script.Statements) replayer.Apply(statement.Model, "file:///m/001.sql");

        var keys = schema.FindTable(N("orders"))!.ForeignKeys.ToList();
        Assert.That(keys.Select(k => string.Join(",", k.Columns)), Is.EquivalentTo(new[] { "customer_id", "referrer_id" }));
        Assert.That(keys.All(k => k.ReferencedTable is { Name: "customers" }), Is.True);
    }
}
