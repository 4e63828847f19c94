using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Tests.Binding;

public class DdlTests
{
    private static IReadOnlyList<DdlAction> Ddl(string sql, SqlDialect dialect = SqlDialect.Postgres)
    {
        var script = SqlScript.Parse(sql, dialect);
        Assert.That(script.Statements, Has.Count.EqualTo(1), sql);
        return script.Statements[0].Model.Ddl;
    }

    [Test]
    public void Create_table_with_columns_and_constraints()
    {
        var action = (CreateTableAction)Ddl("CREATE TABLE IF NOT EXISTS app.users (id bigserial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, org_id int CONSTRAINT fk_org REFERENCES orgs (id) ON DELETE CASCADE, bio text NULL, score numeric(10, 2) DEFAULT 0, kind int GENERATED ALWAYS AS IDENTITY, CONSTRAINT ck_score CHECK (score >= 0), UNIQUE (org_id, email))").Single();
        Assert.That(action.Table, Is.EqualTo(new QualifiedName("app", "users")));
        Assert.That(action.IfNotExists, Is.True);
        Assert.That(action.Columns.Select(c => (c.Name, c.DataType, c.Nullable)), Is.EqualTo(new (string, string, bool?)[]
        {
            ("id", "bigint", false), ("email", "varchar(255)", false), ("org_id", "integer", null), ("bio", "text", true), ("score", "numeric(10,2)", null), ("kind", "integer", null),
        }));
        var id = action.Columns[0];
        Assert.That((id.IsPrimaryKey, id.IsIdentity, id.RawType), Is.EqualTo((true, true, "bigserial")));
        Assert.That(action.Columns[1].IsUnique, Is.True);
        Assert.That(action.Columns[4].Default, Is.EqualTo("0"));
        Assert.That(action.Columns[5].IsIdentity, Is.True);
        var fk = action.Columns[2].References!;
        Assert.That((fk.Name, fk.ReferencedTable?.Name, fk.OnDelete), Is.EqualTo(("fk_org", "orgs", "CASCADE")));
        Assert.That(fk.ReferencedColumns, Is.EqualTo(new[] { "id" }));
        Assert.That(action.Constraints.Select(c => (c.Kind, c.Name)), Is.EqualTo(new (ConstraintKind, string?)[]
        {
            (ConstraintKind.ForeignKey, "fk_org"), (ConstraintKind.Check, "ck_score"), (ConstraintKind.Unique, null),
        }));
        Assert.That(action.Constraints[1].CheckExpression, Is.EqualTo("score >= 0"));
        Assert.That(action.Constraints[2].Columns, Is.EqualTo(new[] { "org_id", "email" }));
    }

    [Test]
    public void Create_table_in_mysql_tsql_and_sqlite()
    {
        var my = Ddl("CREATE TABLE `t` (`id` int unsigned NOT NULL AUTO_INCREMENT, `e` varchar(9), PRIMARY KEY (`id`), KEY `ix_e` (`e`(4))) ENGINE=InnoDB", SqlDialect.MySql);
        var table = (CreateTableAction)my[0];
        Assert.That(table.Columns[0].IsIdentity, Is.True);
        Assert.That(table.Constraints.Single().Kind, Is.EqualTo(ConstraintKind.PrimaryKey));
        var index = ((CreateIndexAction)my[1]).Index;
        Assert.That((index.Name, index.Keys.Single().Column), Is.EqualTo(("ix_e", "e")));

        var ts = (CreateTableAction)Ddl("CREATE TABLE dbo.X (Id INT IDENTITY(1,1) NOT NULL CONSTRAINT PK_X PRIMARY KEY CLUSTERED, Name NVARCHAR(100) NULL)", SqlDialect.TSql).Single();
        Assert.That(ts.Columns.Select(c => (c.Name, c.IsIdentity, c.IsPrimaryKey, c.Nullable)), Is.EqualTo(new[] { ("Id", true, true, (bool?)false), ("Name", false, false, (bool?)true) }));

        var lite = (CreateTableAction)Ddl("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n)", SqlDialect.Sqlite).Single();
        Assert.That(lite.Columns.Select(c => (c.Name, c.IsIdentity)), Is.EqualTo(new[] { ("id", true), ("n", false) }));
    }

    [Test]
    public void Alter_table_actions()
    {
        var actions = Ddl("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0, DROP COLUMN IF EXISTS d, ALTER COLUMN e TYPE bigint, ALTER COLUMN f SET NOT NULL, ALTER COLUMN g DROP NOT NULL, ALTER COLUMN h SET DEFAULT now(), ALTER COLUMN i DROP DEFAULT, RENAME COLUMN j TO k, ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (id) NOT VALID, DROP CONSTRAINT old_fk");
        Assert.That(actions.Select(a => a.GetType().Name), Is.EqualTo(new[]
        {
            nameof(AddColumnAction), nameof(DropColumnAction), nameof(AlterColumnTypeAction), nameof(SetColumnNullabilityAction),
            nameof(SetColumnNullabilityAction), nameof(SetColumnDefaultAction), nameof(SetColumnDefaultAction), nameof(RenameColumnAction),
            nameof(AddConstraintAction), nameof(DropConstraintAction),
        }));
        var add = (AddColumnAction)actions[0];
        Assert.That((add.Column.Name, add.Column.Nullable, add.Column.Default), Is.EqualTo(("c", (bool?)false, "0")));
        Assert.That(((DropColumnAction)actions[1]).IfExists, Is.True);
        Assert.That(((AlterColumnTypeAction)actions[2]).DataType, Is.EqualTo("bigint"));
        Assert.That(((SetColumnNullabilityAction)actions[3]).Nullable, Is.False);
        Assert.That(((SetColumnNullabilityAction)actions[4]).Nullable, Is.True);
        Assert.That(((SetColumnDefaultAction)actions[5]).Default, Is.EqualTo("now()"));
        Assert.That(((SetColumnDefaultAction)actions[6]).Default, Is.Null);
        Assert.That(((RenameColumnAction)actions[7]).NewName, Is.EqualTo("k"));
        var fk = ((AddConstraintAction)actions[8]).Constraint;
        Assert.That((fk.Kind, fk.NotValid, fk.ReferencedTable?.Name), Is.EqualTo((ConstraintKind.ForeignKey, true, "u")));

        var rename = (RenameTableAction)Ddl("ALTER TABLE a RENAME TO b").Single();
        Assert.That(rename.NewName.Name, Is.EqualTo("b"));

        var modify = Ddl("ALTER TABLE t MODIFY COLUMN c varchar(20) NOT NULL", SqlDialect.MySql);
        Assert.That(modify.OfType<AlterColumnTypeAction>().Single().DataType, Is.EqualTo("varchar(20)"));
        Assert.That(modify.OfType<SetColumnNullabilityAction>().Single().Nullable, Is.False);

        var tsql = Ddl("ALTER TABLE dbo.X ALTER COLUMN Name NVARCHAR(200) NOT NULL", SqlDialect.TSql);
        Assert.That(tsql.OfType<AlterColumnTypeAction>().Single().RawType, Is.EqualTo("NVARCHAR(200)"));
    }

    [Test]
    public void Create_index_with_all_options()
    {
        var pg = ((CreateIndexAction)Ddl("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix_email ON public.users USING gin (lower(email), created_at DESC) INCLUDE (name) WHERE deleted_at IS NULL").Single()).Index;
        Assert.That((pg.Name, pg.Table.ToString(), pg.Unique, pg.Concurrently, pg.IfNotExists, pg.Method, pg.Predicate), Is.EqualTo(("ix_email", "public.users", true, true, true, "gin", "deleted_at IS NULL")));
        Assert.That(pg.Keys.Select(k => k.ToString()), Is.EqualTo(new[] { "lower(email)", "created_at DESC" }));
        Assert.That(pg.Include, Is.EqualTo(new[] { "name" }));

        var ts = ((CreateIndexAction)Ddl("CREATE NONCLUSTERED INDEX IX_a ON dbo.T (a) INCLUDE (b) WITH (ONLINE = ON)", SqlDialect.TSql).Single()).Index;
        Assert.That((ts.Online, ts.Clustered), Is.EqualTo((true, false)));

        var my = ((CreateIndexAction)Ddl("CREATE INDEX ix USING BTREE ON t (a(10)) ALGORITHM = INPLACE LOCK = NONE", SqlDialect.MySql).Single()).Index;
        Assert.That((my.Method, my.Algorithm, my.Lock, my.Keys.Single().Column), Is.EqualTo(("btree", "INPLACE", "NONE", "a")));

        var alter = ((CreateIndexAction)Ddl("ALTER TABLE t ADD INDEX ix_b (b), ALGORITHM=INPLACE, LOCK=NONE", SqlDialect.MySql).Single()).Index;
        Assert.That((alter.Name, alter.Algorithm, alter.Lock), Is.EqualTo(("ix_b", "INPLACE", "NONE")));
    }

    [Test]
    public void Views_sequences_types_schemas_and_drops()
    {
        var view = (CreateViewAction)Ddl("CREATE OR REPLACE VIEW v (a, b) AS SELECT x, y FROM t").Single();
        Assert.That((view.View.Name, view.OrReplace, view.Materialized, view.Definition), Is.EqualTo(("v", true, false, "SELECT x, y FROM t")));
        Assert.That(view.Columns, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(((CreateViewAction)Ddl("CREATE MATERIALIZED VIEW mv AS SELECT 1").Single()).Materialized, Is.True);
        Assert.That(((CreateSequenceAction)Ddl("CREATE SEQUENCE s.seq START 10").Single()).Sequence.ToString(), Is.EqualTo("s.seq"));
        var en = (CreateEnumAction)Ddl("CREATE TYPE mood AS ENUM ('sad', 'it''s ok')").Single();
        Assert.That(en.Values, Is.EqualTo(new[] { "sad", "it's ok" }));
        var add = (AddEnumValueAction)Ddl("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy' BEFORE 'sad'").Single();
        Assert.That((add.Value, add.Before, add.After), Is.EqualTo(("happy", "sad", (string?)null)));
        Assert.That(((CreateSchemaAction)Ddl("CREATE SCHEMA IF NOT EXISTS app").Single()).Schema, Is.EqualTo("app"));
        var drop = (DropObjectAction)Ddl("DROP TABLE IF EXISTS a, s.b CASCADE").Single();
        Assert.That((drop.ObjectKind, drop.IfExists, drop.Cascade, drop.Names.Count), Is.EqualTo((DroppedObjectKind.Table, true, true, 2)));
        var dropIndex = (DropObjectAction)Ddl("DROP INDEX ix ON t", SqlDialect.MySql).Single();
        Assert.That((dropIndex.ObjectKind, dropIndex.OnTable?.Name), Is.EqualTo((DroppedObjectKind.Index, "t")));
        var model = SqlScript.Parse("DROP VIEW v", SqlDialect.Postgres).Statements[0].Model;
        Assert.That(model.Relations.Single().Role, Is.EqualTo(RelationRole.Dropped));
    }

    [Test]
    public void Tsql_sequence_defaults_in_column_definitions_and_default_constraints()
    {
        var table = (CreateTableAction)Ddl("CREATE TABLE dbo.t (id int NOT NULL CONSTRAINT df_id DEFAULT (NEXT VALUE FOR dbo.seq) PRIMARY KEY, n int DEFAULT NEXT VALUE FOR seq2)", SqlDialect.TSql).Single();
        Assert.That(table.Columns.Select(c => (c.Name, c.Default, c.IsPrimaryKey)), Is.EqualTo(new[] { ("id", "(NEXT VALUE FOR dbo.seq)", true), ("n", "NEXT VALUE FOR seq2", false) }));

        var added = Ddl("ALTER TABLE dbo.t ADD CONSTRAINT df_n DEFAULT (NEXT VALUE FOR dbo.seq) FOR n", SqlDialect.TSql).Single();
        Assert.That(added, Is.TypeOf<SetColumnDefaultAction>());
        var set = (SetColumnDefaultAction)added;
        Assert.That((set.Table.ToString(), set.Column, set.Default), Is.EqualTo(("dbo.t", "n", "(NEXT VALUE FOR dbo.seq)")));
        var unnamed = (SetColumnDefaultAction)Ddl("ALTER TABLE t ADD DEFAULT 0 FOR n", SqlDialect.TSql).Single();
        Assert.That((unnamed.Column, unnamed.Default), Is.EqualTo(("n", "0")));
    }

    [Test]
    public void Interval_types_keep_their_field_range()
    {
        var table = (CreateTableAction)Ddl("CREATE TABLE t (d interval day to second, e interval year to month NOT NULL, f interval)").Single();
        Assert.That(table.Columns.Select(c => (c.Name, c.RawType, c.Nullable)), Is.EqualTo(new (string, string, bool?)[]
        {
            ("d", "interval day to second", null), ("e", "interval year to month", false), ("f", "interval", null),
        }));
    }
}
