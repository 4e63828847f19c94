using DbAgent.Analysis.Drift;
using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Tests.Drift;

public class SchemaDriftTests
{
    private const string Migration = "file:///w/migrations/001_orders.sql";
    private static readonly SchemaOrigin TableOrigin = new(Migration, new TextSpan(0, 120));
    private static readonly SchemaOrigin NoteOrigin = new(Migration, new TextSpan(60, 22));
    private static readonly SchemaOrigin IndexOrigin = new("file:///w/migrations/002_index.sql", new TextSpan(0, 60));
    private static readonly SchemaOrigin Latest = new("file:///w/migrations/009_latest.sql", new TextSpan(0, 0));

    private static SchemaModel Migrations()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        var orders = new TableModel { Name = new QualifiedName(null, "orders"), Origin = TableOrigin };
        orders.Columns.Add(new ColumnModel { Name = "id", DataType = "bigint", Origin = TableOrigin });
        orders.Columns.Add(new ColumnModel { Name = "customer_id", DataType = "integer", Nullable = false, Origin = TableOrigin });
        orders.Columns.Add(new ColumnModel { Name = "note", DataType = "text", Nullable = false, Origin = NoteOrigin });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Columns = ["id"] });
        orders.Indexes.Add(new IndexModel
        {
            Name = "ix_orders_customer_id", Table = orders.Name, Keys = [new IndexKey("customer_id", null, false)], Origin = IndexOrigin,
        });
        schema.Tables.Add(orders);
        return schema;
    }

    private static SchemaModel Live()
    {
        var schema = new SchemaModel(SqlDialect.Postgres) { DefaultSchema = "public" };
        var orders = new TableModel { Name = new QualifiedName("public", "orders") };
        orders.Columns.Add(new ColumnModel { Name = "id", DataType = "int8", Nullable = false });
        orders.Columns.Add(new ColumnModel { Name = "customer_id", DataType = "int4", Nullable = false });
        orders.Columns.Add(new ColumnModel { Name = "note", DataType = "text", Nullable = false });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Columns = ["id"] });
        orders.Indexes.Add(new IndexModel { Name = "orders_pkey", Table = orders.Name, Keys = [new IndexKey("id", null, false)], IsPrimaryKey = true, Unique = true });
        orders.Indexes.Add(new IndexModel { Name = "ix_orders_customer_id", Table = orders.Name, Keys = [new IndexKey("customer_id", null, false)] });
        schema.Tables.Add(orders);
        schema.Tables.Add(new TableModel { Name = new QualifiedName("public", "schema_migrations") });
        return schema;
    }

    [Test]
    public void Identical_schemas_spelled_differently_have_no_drift() =>
        Assert.That(SchemaDrift.Compare(Migrations(), Live(), Latest), Is.Empty);

    [Test]
    public void A_column_type_and_nullability_change_is_reported_on_the_declaring_migration_naming_both_sides()
    {
        var live = Live();
        var note = live.Tables[0].FindColumn("note")!;
        note.DataType = "varchar(200)";
        note.Nullable = true;
        var findings = SchemaDrift.Compare(Migrations(), live, Latest, "the database 'shop'");
        Assert.That(findings.Select(f => f.Data["kind"]), Is.EquivalentTo(new[] { "column-type", "column-nullability" }));
        Assert.That(findings.All(f => f.RuleId == "schema-drift" && f.Severity == FindingSeverity.Warning));
        Assert.That(findings.All(f => f.DocumentUri == Migration && f.Span == NoteOrigin.Span));
        var type = findings.Single(f => f.Data["kind"] == "column-type");
        Assert.That(type.Message, Is.EqualTo("Column orders.note is text in the migrations but varchar(200) in the database 'shop'."));
        var nullability = findings.Single(f => f.Data["kind"] == "column-nullability");
        Assert.That(nullability.Message, Does.Contain("NOT NULL in the migrations").And.Contain("NULL in the database 'shop'"));
    }

    [Test]
    public void Missing_and_extra_tables_columns_and_indexes()
    {
        var migrations = Migrations();
        var customers = new TableModel { Name = new QualifiedName(null, "customers"), Origin = new SchemaOrigin(Migration, new TextSpan(130, 40)) };
        customers.Columns.Add(new ColumnModel { Name = "id", DataType = "integer" });
        migrations.Tables.Add(customers);

        var live = Live();
        var orders = live.Tables[0];
        orders.Columns.RemoveAll(c => c.Name == "customer_id");
        orders.Columns.Add(new ColumnModel { Name = "legacy_flag", DataType = "boolean" });
        orders.Indexes.RemoveAll(i => i.Name == "ix_orders_customer_id");
        orders.Indexes.Add(new IndexModel { Name = "hand_made", Table = orders.Name, Keys = [new IndexKey("note", null, false)] });
        live.Tables.Add(new TableModel { Name = new QualifiedName("public", "scratch") });
        live.Tables.Add(new TableModel { Name = new QualifiedName("other_app", "things") });

        var findings = SchemaDrift.Compare(migrations, live, Latest);
        var byKind = findings.ToDictionary(f => f.Data["kind"]);
        Assert.That(byKind.Keys, Is.EquivalentTo(new[] { "missing-table", "missing-column", "extra-column", "missing-index", "extra-index", "extra-table" }));

        Assert.That(byKind["missing-table"].Span, Is.EqualTo(new TextSpan(130, 40)));
        Assert.That(byKind["missing-table"].Message, Does.Contain("customers").And.Contain("the live database"));
        Assert.That(byKind["missing-column"].Data["column"], Is.EqualTo("customer_id"));
        Assert.That(byKind["missing-column"].Span, Is.EqualTo(TableOrigin.Span));
        Assert.That(byKind["extra-column"].Message, Does.Contain("legacy_flag"));
        Assert.That(byKind["missing-index"].DocumentUri, Is.EqualTo(IndexOrigin.DocumentUri));
        Assert.That(byKind["extra-index"].Data["index"], Is.EqualTo("hand_made"));
        Assert.That(byKind["extra-table"].Message, Does.Contain("public.scratch"), "other_app is not a schema the migrations manage");
        Assert.That(byKind["extra-table"].DocumentUri, Is.EqualTo(Latest.DocumentUri));
    }

    [Test]
    public void A_renamed_index_with_the_same_keys_is_not_drift_but_changed_keys_are()
    {
        var live = Live();
        live.Tables[0].Indexes[1].Name = "orders_customer_id_idx";
        Assert.That(SchemaDrift.Compare(Migrations(), live), Is.Empty);

        var changed = Live();
        changed.Tables[0].Indexes[1].Keys = [new IndexKey("customer_id", null, false), new IndexKey("note", null, false)];
        var finding = SchemaDrift.Compare(Migrations(), changed).Single();
        Assert.That(finding.Data["kind"], Is.EqualTo("index-keys"));
        Assert.That(finding.Message, Does.Contain("(customer_id)").And.Contain("(customer_id, note)"));
    }

    [Test]
    public void Views_and_enum_values()
    {
        var migrations = Migrations();
        var viewOrigin = new SchemaOrigin(Migration, new TextSpan(200, 50));
        var enumOrigin = new SchemaOrigin(Migration, new TextSpan(260, 40));
        migrations.Views.Add(new ViewModel { Name = new QualifiedName(null, "open_orders"), Origin = viewOrigin });
        migrations.Enums.Add(new EnumModel { Name = new QualifiedName(null, "order_status"), Values = ["new", "paid", "shipped"], Origin = enumOrigin });

        var live = Live();
        live.Views.Add(new ViewModel { Name = new QualifiedName("public", "open_orders") });
        live.Enums.Add(new EnumModel { Name = new QualifiedName("public", "order_status"), Values = ["new", "paid", "shipped"] });
        Assert.That(SchemaDrift.Compare(migrations, live), Is.Empty);

        live.Views.Clear();
        live.Views.Add(new ViewModel { Name = new QualifiedName("public", "report_cache"), Materialized = true });
        live.Enums[0].Values = ["new", "shipped", "paid"];
        var findings = SchemaDrift.Compare(migrations, live, Latest);
        Assert.That(findings.Select(f => f.Data["kind"]), Is.EquivalentTo(new[] { "missing-view", "extra-view", "enum-values" }));
        Assert.That(findings.Single(f => f.Data["kind"] == "missing-view").Span, Is.EqualTo(viewOrigin.Span));
        var values = findings.Single(f => f.Data["kind"] == "enum-values");
        Assert.That(values.Span, Is.EqualTo(enumOrigin.Span));
        Assert.That(values.Message, Is.EqualTo("Enum type order_status has values ('new', 'paid', 'shipped') in the migrations but ('new', 'shipped', 'paid') in the live database."));
    }

    [TestCase("int(11)", "integer", SqlDialect.MySql)]
    [TestCase("character varying(20)", "varchar(20)", SqlDialect.Postgres)]
    [TestCase("timestamp with time zone", "timestamptz", SqlDialect.Postgres)]
    [TestCase("DECIMAL(10, 2)", "numeric(10,2)", SqlDialect.Postgres)]
    [TestCase("bigserial", "int8", SqlDialect.Postgres)]
    public void Type_spellings_that_mean_the_same(string a, string b, SqlDialect dialect) =>
        Assert.That(SchemaDrift.NormalizeType(a, dialect), Is.EqualTo(SchemaDrift.NormalizeType(b, dialect)));

    [TestCase("varchar(20)", "varchar(30)", SqlDialect.Postgres)]
    [TestCase("integer", "bigint", SqlDialect.Postgres)]
    [TestCase("numeric(10,2)", "numeric", SqlDialect.Postgres)]
    [TestCase("int unsigned", "int", SqlDialect.MySql)]
    [TestCase("nvarchar(50)", "varchar(50)", SqlDialect.TSql)]
    public void Type_spellings_that_differ(string a, string b, SqlDialect dialect) =>
        Assert.That(SchemaDrift.NormalizeType(a, dialect), Is.Not.EqualTo(SchemaDrift.NormalizeType(b, dialect)));

    [Test]
    public void A_column_changed_by_a_later_statement_drifts_on_that_statement()
    {
        // Replayed from SQL text: each finding must sit inside the statement it is about, not at the top of the file
        // and not on the CREATE TABLE when a later ALTER gave the column what the live database lacks.
        const string sql = "CREATE TABLE orders (\n  id integer PRIMARY KEY,\n  total integer,\n  note text\n);\n"
            + "ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n"
            + "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n";
        var script = DbAgent.Sql.Syntax.SqlScript.Parse(sql, SqlDialect.Postgres);
        var migrations = new SchemaModel(SqlDialect.Postgres) { DefaultSchema = "public" };
        SchemaReplayer.Replay(script, migrations, Migration);
        var live = new SchemaModel(SqlDialect.Postgres) { DefaultSchema = "public" };
        var orders = new TableModel { Name = new QualifiedName("public", "orders") };
        orders.Columns.Add(new ColumnModel { Name = "id", DataType = "integer", Nullable = false });
        orders.Columns.Add(new ColumnModel { Name = "total", DataType = "integer" });
        orders.Columns.Add(new ColumnModel { Name = "note", DataType = "text" });
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Columns = ["id"] });
        live.Tables.Add(orders);

        var findings = SchemaDrift.Compare(migrations, live).ToDictionary(f => f.Data["kind"]);

        Assert.That(findings.Keys, Is.EquivalentTo(new[] { "column-type", "column-nullability" }));
        string StatementOf(Finding f) => sql[script.StatementAt(f.Span.Start)!.Span.Start..script.StatementAt(f.Span.Start)!.Span.End];
        Assert.That(findings["column-type"].DocumentUri, Is.EqualTo(Migration));
        Assert.That(findings["column-type"].Span.IsEmpty, Is.False);
        Assert.That(StatementOf(findings["column-type"]), Does.StartWith("ALTER TABLE orders ALTER COLUMN total TYPE bigint"));
        Assert.That(StatementOf(findings["column-nullability"]), Does.StartWith("ALTER TABLE orders ALTER COLUMN note SET NOT NULL"));
    }
}
