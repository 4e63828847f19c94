using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Tests.Corpus;

namespace DbAgent.Sql.Tests.Schema;

/// <summary>Replays the real sample schemas (Chinook, Sakila) from SQL text, through the parser's DDL actions.</summary>
public class CorpusSchemaReplayTests
{
    internal static void RequireParserDdl()
    {
        var probe = SqlScript.Parse("CREATE TABLE probe (id integer PRIMARY KEY);", SqlDialect.Postgres);
        // A parser that stops filling the DDL actions is a regression: it fails here, it is not skipped.
        Assert.That(probe.Statements, Has.Count.EqualTo(1));
        Assert.That(probe.Statements[0].Model.Ddl, Is.Not.Empty, "the parser fills StatementModel.Ddl, which replay from SQL text needs");
    }

    private static SchemaModel Replay(string relativePath, SqlDialect dialect, out ReplayResult result)
    {
        RequireParserDdl();
        var corpora = CorpusLocator.Find();
        if (corpora is null) Assert.Ignore(CorpusLocator.MissingReason);
        var path = Path.Combine(corpora!, relativePath);
        var schema = new SchemaModel(dialect);
        result = SchemaReplayer.Replay(SqlScript.Parse(File.ReadAllText(path), dialect), schema, new Uri(path).AbsoluteUri);
        TestContext.Out.WriteLine($"{relativePath}: {result.StatementsApplied} statements, {result.ActionsApplied} actions applied, {result.Skipped.Count} skipped, {result.Issues.Count} issues");
        foreach (var skipped in result.Skipped.Take(10)) TestContext.Out.WriteLine($"  skipped {skipped.Kind} at {skipped.Span}: {skipped.Reason}");
        foreach (var issue in result.Issues.Take(10)) TestContext.Out.WriteLine($"  issue: {issue.Message}");
        return schema;
    }

    private static readonly string[] ChinookTables =
        ["Album", "Artist", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine", "MediaType", "Playlist", "PlaylistTrack", "Track"];

    private static readonly (string Table, string Column, string References)[] ChinookForeignKeys =
    [
        ("Album", "ArtistId", "Artist"), ("Customer", "SupportRepId", "Employee"), ("Employee", "ReportsTo", "Employee"),
        ("Invoice", "CustomerId", "Customer"), ("InvoiceLine", "InvoiceId", "Invoice"), ("InvoiceLine", "TrackId", "Track"),
        ("PlaylistTrack", "PlaylistId", "Playlist"), ("PlaylistTrack", "TrackId", "Track"), ("Track", "AlbumId", "Album"),
        ("Track", "GenreId", "Genre"), ("Track", "MediaTypeId", "MediaType"),
    ];

    /// <summary>The PostgreSQL flavour spells every name in snake_case.</summary>
    private static string Snake(string name, SqlDialect dialect) =>
        dialect != SqlDialect.Postgres ? name : string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    [TestCase("chinook/Chinook_PostgreSql.sql", SqlDialect.Postgres, "numeric(10,2)", "varchar(160)")]
    [TestCase("chinook/Chinook_MySql.sql", SqlDialect.MySql, "numeric(10,2)", "nvarchar(160)")]
    [TestCase("chinook/Chinook_SqlServer.sql", SqlDialect.TSql, "numeric(10,2)", "nvarchar(160)")]
    [TestCase("chinook/Chinook_Sqlite.sql", SqlDialect.Sqlite, "numeric(10,2)", "nvarchar(160)")]
    public void Chinook(string file, SqlDialect dialect, string unitPriceType, string albumTitleType)
    {
        var schema = Replay(file, dialect, out var result);
        string S(string name) => Snake(name, dialect);

        Assert.That(schema.Tables.Select(t => t.Name.Name), Is.EquivalentTo(ChinookTables.Select(S)).Using((IEqualityComparer<string>)NameComparer.Instance));
        var track = schema.FindTable(new QualifiedName(null, S("Track")))!;
        Assert.That(track.Columns, Has.Count.EqualTo(9));
        var unitPrice = track.FindColumn(S("UnitPrice"))!;
        Assert.That((unitPrice.DataType, unitPrice.Nullable), Is.EqualTo((unitPriceType, false)));
        Assert.That(track.FindColumn(S("AlbumId"))!.Nullable, Is.True);
        Assert.That(schema.FindTable(new QualifiedName(null, S("Album")))!.FindColumn("title")!.DataType, Is.EqualTo(albumTitleType));
        Assert.That(schema.FindTable(new QualifiedName(null, S("PlaylistTrack")))!.PrimaryKey!.Columns,
            Is.EqualTo(new[] { S("PlaylistId"), S("TrackId") }).Using((IEqualityComparer<string>)NameComparer.Instance));

        foreach (var (table, column, references) in ChinookForeignKeys)
        {
            var fks = schema.FindTable(new QualifiedName(null, S(table)))!.ForeignKeys.ToList();
            Assert.That(fks.Any(fk => fk.Columns.SequenceEqual([S(column)], NameComparer.Instance) && NameComparer.SameName(fk.ReferencedTable?.Name, S(references))),
                $"{table}.{column} references {references}");
            // Every flavour indexes each foreign key column (IFK_* / *_idx), and every table has its primary key index.
            Assert.That(schema.FindTable(new QualifiedName(null, S(table)))!.Indexes.Any(i => !i.IsPrimaryKey && NameComparer.SameName(i.Keys[0].Column, S(column))),
                $"index on {table}.{column}");
        }
        Assert.That(schema.Tables.Sum(t => t.ForeignKeys.Count()), Is.EqualTo(11));
        Assert.That(schema.Tables.Sum(t => t.Indexes.Count), Is.EqualTo(22), "11 primary key indexes and 11 foreign key indexes");
        Assert.That(result.Issues, Is.Empty);
        Assert.That(track.Origin!.DocumentUri, Does.EndWith(Path.GetFileName(file)));
    }

    private static readonly string[] SakilaTables =
        ["actor", "address", "category", "city", "country", "customer", "film", "film_actor", "film_category", "inventory", "language", "payment", "rental", "staff", "store"];

    [TestCase("sakila/postgres-sakila-schema.sql", SqlDialect.Postgres)]
    [TestCase("sakila/mysql-sakila-schema.sql", SqlDialect.MySql)]
    [TestCase("sakila/sql-server-sakila-schema.sql", SqlDialect.TSql)]
    public void Sakila(string file, SqlDialect dialect)
    {
        var schema = Replay(file, dialect, out _);
        Assert.That(schema.Tables.Select(t => t.Name.Name.ToLowerInvariant()), Is.SupersetOf(SakilaTables));
        var filmActor = schema.FindTable(new QualifiedName(null, "film_actor"))!;
        Assert.That(filmActor.PrimaryKey!.Columns, Is.EqualTo(new[] { "actor_id", "film_id" }));
        var expectedReferences = dialect == SqlDialect.Postgres ? new[] { "actor", "film" } : ["actor", "film"];
        Assert.That(filmActor.ForeignKeys.Select(fk => fk.ReferencedTable!.Name).Order(), Is.EqualTo(expectedReferences));
        Assert.That(filmActor.Indexes.Any(i => !i.IsPrimaryKey && i.Keys[0].Column == "film_id"), "an index leads with film_id");
        Assert.That(schema.FindTable(new QualifiedName(null, "actor"))!.Indexes.Any(i => i.Name == "idx_actor_last_name"));
        Assert.That(schema.Views.Select(v => v.Name.Name), Does.Contain("customer_list").Or.Contain("CUSTOMER_LIST"));
        var payment = schema.FindTable(new QualifiedName(null, "payment"))!;
        Assert.That(payment.FindColumn("amount")!.DataType, Is.EqualTo("numeric(5,2)"));
        if (dialect == SqlDialect.Postgres)
        {
            Assert.That(schema.FindEnum(new QualifiedName(null, "mpaa_rating"))!.Values, Is.EqualTo(new[] { "G", "PG", "PG-13", "R", "NC-17" }));
            Assert.That(schema.Sequences.Select(s => s.Name), Does.Contain("actor_actor_id_seq"));
            Assert.That(schema.FindTable(new QualifiedName(null, "film"))!.FindColumn("last_update")!.DataType, Is.EqualTo("timestamp"));
        }
    }
}

/// <summary>Hand-written migration sequences, replayed from SQL text in order.</summary>
public class MigrationSequenceReplayTests
{
    private static SchemaModel Replay(SqlDialect dialect, params string[] migrations)
    {
        CorpusSchemaReplayTests.RequireParserDdl();
        var schema = new SchemaModel(dialect);
        var replayer = new SchemaReplayer(schema);
        for (var i = 0; i < migrations.Length; i++)
        {
            var result = replayer.Apply(SqlScript.Parse(migrations[i], dialect), $"file:///migrations/{i + 1}.sql");
            Assert.That(result.Issues, Is.Empty, $"migration {i + 1}: " + string.Join("; ", result.Issues.Select(x => x.Message)));
            Assert.That(result.Skipped, Is.Empty, $"migration {i + 1}: " + string.Join("; ", result.Skipped.Select(x => $"{x.Kind} {x.Reason}")));
        }
        return schema;
    }

    [Test]
    public void Postgres_rename_drop_add_column_and_enum_value()
    {
        var schema = Replay(SqlDialect.Postgres,
            "CREATE TYPE status AS ENUM ('draft', 'paid');\nCREATE TABLE invoices (id bigserial PRIMARY KEY, customer text NOT NULL, status status NOT NULL DEFAULT 'draft');\nCREATE INDEX invoices_customer_idx ON invoices (customer);",
            "ALTER TABLE invoices RENAME COLUMN customer TO customer_name;\nALTER TABLE invoices RENAME TO bills;\nALTER TYPE status ADD VALUE 'void' AFTER 'draft';",
            "ALTER TABLE bills ADD COLUMN total numeric(12,2) NOT NULL DEFAULT 0;\nALTER TABLE bills DROP COLUMN IF EXISTS legacy;\nDROP INDEX IF EXISTS nothing_here;",
            "CREATE TABLE scratch (x int);\nDROP TABLE scratch;");

        Assert.That(schema.Tables.Select(t => t.Name.Name), Is.EqualTo(new[] { "bills" }));
        var bills = schema.Tables[0];
        Assert.That(bills.Columns.Select(c => (c.Name, c.DataType)), Is.EqualTo(new[] { ("id", "bigint"), ("customer_name", "text"), ("status", "status"), ("total", "numeric(12,2)") }));
        Assert.That(bills.FindColumn("id")!.IsIdentity, Is.True);
        var index = bills.Indexes.Single(i => i.Name == "invoices_customer_idx");
        Assert.That(index.Keys.Single().Column, Is.EqualTo("customer_name"));
        Assert.That(index.Table.Name, Is.EqualTo("bills"));
        Assert.That(schema.FindEnum(new QualifiedName(null, "status"))!.Values, Is.EqualTo(new[] { "draft", "void", "paid" }));
        Assert.That(bills.FindColumn("total")!.Origin!.DocumentUri, Is.EqualTo("file:///migrations/3.sql"));
    }

    [Test]
    public void Mysql_modify_and_drop_index()
    {
        var schema = Replay(SqlDialect.MySql,
            "CREATE TABLE users (id INT UNSIGNED NOT NULL AUTO_INCREMENT, email VARCHAR(100) NOT NULL, active TINYINT(1) NOT NULL DEFAULT 1, PRIMARY KEY (id), UNIQUE KEY users_email (email));",
            "ALTER TABLE users ADD COLUMN name VARCHAR(50) NULL AFTER id;\nCREATE INDEX users_name ON users (name);\nDROP INDEX users_name ON users;");
        var users = schema.FindTable(new QualifiedName(null, "users"))!;
        Assert.That(users.FindColumn("id")!.IsIdentity, Is.True);
        Assert.That(users.FindColumn("active")!.DataType, Is.EqualTo("boolean"));
        Assert.That(users.FindColumn("name")!.DataType, Is.EqualTo("varchar(50)"));
        Assert.That(users.Indexes.Select(i => i.Name), Is.EquivalentTo(new[] { "PRIMARY", "users_email" }));
    }

    [Test]
    public void Sqlite_rename_and_drop_column()
    {
        var schema = Replay(SqlDialect.Sqlite,
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, legacy TEXT);",
            "ALTER TABLE notes RENAME COLUMN body TO text;\nALTER TABLE notes DROP COLUMN legacy;\nALTER TABLE notes RENAME TO memos;\nALTER TABLE memos ADD COLUMN created_at DATETIME;");
        var memos = schema.FindTable(new QualifiedName(null, "memos"))!;
        Assert.That(memos.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "text", "created_at" }));
    }
}
