using DbAgent.Server.Documents;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Documents;

[TestFixture]
public sealed class DocumentStoreTests
{
    private const string Uri = "file:///d.sql";

    private static DocumentStore NewStore(SqlDialect? setting = null) => new(new ServerLogger(null), _ => setting);

    private static TextDocumentContentChangeEvent Edit(int l1, int c1, int l2, int c2, string text) =>
        new() { Range = new Range(new Position(l1, c1), new Position(l2, c2)), Text = text };

    [Test]
    public async Task Edits_apply_in_order_and_each_version_is_its_own_snapshot()
    {
        var store = NewStore();
        store.Open(new TextDocumentItem(Uri, "sql", 1, "SELECT 1;"));
        var v1 = store.TryGet(Uri)!;
        store.Change(new VersionedTextDocumentIdentifier(Uri, 2), [Edit(0, 7, 0, 8, "2")]);
        store.Change(new VersionedTextDocumentIdentifier(Uri, 3), [Edit(0, 9, 0, 9, "\nDELETE FROM t;")]);
        var v3 = await store.GetAsync(Uri, CancellationToken.None);
        Assert.That(v3!.Version, Is.EqualTo(3));
        Assert.That(v3.Text.Text, Is.EqualTo("SELECT 2;\nDELETE FROM t;"));
        Assert.That(v3.Script.Statements, Has.Count.EqualTo(2));
        Assert.That(v1.Text.Text, Is.EqualTo("SELECT 1;"), "an old snapshot never changes");
        Assert.That(v1.Script.Statements, Has.Count.EqualTo(1));
    }

    [Test]
    public void Positions_are_utf16_and_line_breaks_of_every_kind_count()
    {
        var store = NewStore();
        // "😀" is two UTF-16 code units, as LSP counts by default.
        store.Open(new TextDocumentItem(Uri, "sql", 1, "SELECT '😀';\r\nSELECT 2;\rSELECT 3;"));
        store.Change(new VersionedTextDocumentIdentifier(Uri, 2), [Edit(0, 11, 0, 12, ""), Edit(2, 7, 2, 8, "4")]);
        Assert.That(store.TryGet(Uri)!.Text.Text, Is.EqualTo("SELECT '😀'\r\nSELECT 2;\rSELECT 4;"));
    }

    [Test]
    public void A_change_without_a_range_replaces_the_whole_text()
    {
        var store = NewStore();
        store.Open(new TextDocumentItem(Uri, "sql", 1, "SELECT 1;"));
        store.Change(new VersionedTextDocumentIdentifier(Uri, 2), [new TextDocumentContentChangeEvent { Text = "DELETE FROM t;" }]);
        Assert.That(store.TryGet(Uri)!.Text.Text, Is.EqualTo("DELETE FROM t;"));
    }

    [Test]
    public void The_dialect_follows_comment_then_setting_then_content()
    {
        var store = NewStore(SqlDialect.MySql);
        store.Open(new TextDocumentItem(Uri, "sql", 1, "-- dbagent: dialect=sqlite\nSELECT 1;"));
        Assert.That(store.TryGet(Uri)!.Dialect, Is.EqualTo(SqlDialect.Sqlite));
        Assert.That(store.TryGet(Uri)!.DialectSource, Is.EqualTo(DialectSource.FirstLineComment));

        store.Open(new TextDocumentItem("file:///e.sql", "sql", 1, "SELECT 1;"));
        Assert.That(store.TryGet("file:///e.sql")!.Dialect, Is.EqualTo(SqlDialect.MySql));

        var plain = NewStore();
        plain.Open(new TextDocumentItem(Uri, "sql", 1, "SELECT 1\nGO\nSELECT N'x'\nGO\n"));
        Assert.That(plain.TryGet(Uri)!.Dialect, Is.EqualTo(SqlDialect.TSql));
        plain.Open(new TextDocumentItem("file:///f.sql", "sql", 1, "SELECT 1;"));
        Assert.That(plain.TryGet("file:///f.sql")!.DialectSource, Is.EqualTo(DialectSource.Default));
        Assert.That(plain.TryGet("file:///f.sql")!.Dialect, Is.EqualTo(SqlDialect.Postgres));
    }

    [Test]
    public void Incremental_reparses_after_random_edits_equal_a_full_parse()
    {
        var store = NewStore();
        const string start = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\nSELECT * FROM orders WHERE customer_id = 1;\nUPDATE orders SET customer_id = 2 WHERE id = 3;\nDELETE FROM orders;\n";
        store.Open(new TextDocumentItem(Uri, "sql", 1, start));
        var random = new Random(42);
        string[] inserts = [";", "\n", " WHERE id = 1", "SELECT 1", "'", "(", ")", "--", "/*", "*/", "DELETE FROM t", " ", "$$"];
        for (var version = 2; version < 300; version++)
        {
            var text = store.TryGet(Uri)!.Text;
            var a = random.Next(text.Length + 1);
            var b = Math.Min(text.Length, a + random.Next(0, 6));
            var from = text.GetLinePosition(a);
            var to = text.GetLinePosition(b);
            store.Change(new VersionedTextDocumentIdentifier(Uri, version),
                [Edit(from.Line, from.Character, to.Line, to.Character, inserts[random.Next(inserts.Length)])]);
            var snapshot = store.TryGet(Uri)!;
            var full = DbAgent.Sql.Syntax.SqlScript.Parse(snapshot.Text, snapshot.Dialect);
            Assert.That(snapshot.Script.Statements.Select(s => (s.Span, s.Model.Kind, s.Model.HasWhere)),
                Is.EqualTo(full.Statements.Select(s => (s.Span, s.Model.Kind, s.Model.HasWhere))), $"after edit {version}: {snapshot.Text}");
            Assert.That(snapshot.Script.Errors.Select(e => e.Span), Is.EqualTo(full.Errors.Select(e => e.Span)));
        }
    }

    [Test]
    public void An_edit_to_a_closed_document_is_ignored()
    {
        var store = NewStore();
        store.Open(new TextDocumentItem(Uri, "sql", 1, "SELECT 1;"));
        store.Close(Uri);
        store.Change(new VersionedTextDocumentIdentifier(Uri, 2), [Edit(0, 0, 0, 0, "x")]);
        Assert.That(store.TryGet(Uri), Is.Null);
        Assert.That(store.OpenDocuments, Is.Empty);
    }
}
