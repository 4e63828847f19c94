using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>textDocument/definition, references and documentHighlight over the duplex stream, on a workspace with migrations and queries.</summary>
[TestFixture]
public sealed class NavigationTests
{
    private string _workspace = null!;
    private string _init = null!;
    private string _alter = null!;
    private string _report = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = Path.Combine(Path.GetTempPath(), "dbagent-nav-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_workspace, "db", "migrations"));
        Directory.CreateDirectory(Path.Combine(_workspace, "queries"));
        _init = Path.Combine(_workspace, "db", "migrations", "001_init.sql");
        _alter = Path.Combine(_workspace, "db", "migrations", "002_alter.sql");
        _report = Path.Combine(_workspace, "queries", "report.sql");
        File.WriteAllText(_init,
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n" +
            "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  total numeric(10,2)\n);\n");
        File.WriteAllText(_alter, "ALTER TABLE orders ADD COLUMN note text;\n");
        File.WriteAllText(_report, "SELECT total FROM orders WHERE total > 10;\n");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_workspace, recursive: true);

    private static string U(string path) => new Uri(path).AbsoluteUri;
    private static Range R(int l1, int c1, int l2, int c2) => new(new Position(l1, c1), new Position(l2, c2));
    private static TextDocumentPositionParams At(string uri, int line, int character) => new(new TextDocumentIdentifier(uri), new Position(line, character));

    [Test]
    public async Task Definition_goes_from_a_table_to_its_create_and_last_alter_and_from_a_column_to_its_declaration()
    {
        await using var client = LspTestClient.InProcess();
        var init = await client.InitializeAsync(workspaceFolder: _workspace);
        Assert.That((init.Capabilities.DefinitionProvider, init.Capabilities.ReferencesProvider, init.Capabilities.DocumentHighlightProvider), Is.EqualTo((true, true, true)));
        var uri = U(Path.Combine(_workspace, "queries", "new.sql"));
        await client.OpenAsync(uri, "SELECT o.note, o.total FROM orders o JOIN customers c ON c.id = o.customer_id;\n");

        var table = await client.RequestAsync<Location[]>(Methods.Definition, At(uri, 0, 30));
        Assert.That(table!.Select(l => (l.Uri, l.Range.Start.Line)), Is.EqualTo(new[] { (U(_init), 1), (U(_alter), 0) }));
        Assert.That(table![0].Range.Start.Character, Is.EqualTo(0), "the CREATE TABLE statement");

        var note = await client.RequestAsync<Location[]>(Methods.Definition, At(uri, 0, 10));
        Assert.That(note!.Single().Uri, Is.EqualTo(U(_alter)));
        var total = await client.RequestAsync<Location[]>(Methods.Definition, At(uri, 0, 18));
        Assert.That(total!.Single().Uri, Is.EqualTo(U(_init)));
        Assert.That(total![0].Range.Start, Is.EqualTo(new Position(4, 2)));

        var alias = await client.RequestAsync<Location[]>(Methods.Definition, At(uri, 0, 7));
        Assert.That(alias!.Single(), Is.EqualTo(new Location(uri, R(0, 35, 0, 36))), "an alias goes to where the statement defines it");
    }

    [Test]
    public async Task Definition_of_a_cte_reference_is_its_name_in_the_with_clause()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        var uri = U(Path.Combine(_workspace, "queries", "cte.sql"));
        await client.OpenAsync(uri, "WITH big AS (SELECT * FROM orders WHERE total > 100) SELECT big.id FROM big;\n");
        var definition = await client.RequestAsync<Location[]>(Methods.Definition, At(uri, 0, 72));
        Assert.That(definition!.Single().Range, Is.EqualTo(R(0, 5, 0, 8)));
        var fromQualifier = await client.RequestAsync<Location[]>(Methods.Definition, At(uri, 0, 61));
        Assert.That(fromQualifier!.Single().Range, Is.EqualTo(R(0, 5, 0, 8)));
    }

    [Test]
    public async Task References_find_a_table_and_a_column_across_the_workspace_sql_files()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        var uri = U(Path.Combine(_workspace, "queries", "open.sql"));
        await client.OpenAsync(uri, "UPDATE orders SET total = 0 WHERE id = 1;\n");

        var tables = await client.RequestAsync<Location[]>(Methods.References, new ReferenceParams(new TextDocumentIdentifier(uri), new Position(0, 9), new ReferenceContext(true)));
        var byFile = tables!.GroupBy(l => l.Uri).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(byFile[U(_init)], Is.EqualTo(1), "CREATE TABLE orders");
        Assert.That(byFile[U(_alter)], Is.EqualTo(1));
        Assert.That(byFile[U(_report)], Is.EqualTo(1));
        Assert.That(byFile[uri], Is.EqualTo(1));
        Assert.That(tables!.Single(l => l.Uri == U(_report)).Range, Is.EqualTo(R(0, 18, 0, 24)));

        var columns = await client.RequestAsync<Location[]>(Methods.References, new ReferenceParams(new TextDocumentIdentifier(uri), new Position(0, 20), new ReferenceContext(true)));
        Assert.That(columns!.Where(l => l.Uri == U(_report)).Select(l => l.Range), Is.EquivalentTo(new[] { R(0, 7, 0, 12), R(0, 31, 0, 36) }));
        Assert.That(columns!.Where(l => l.Uri == U(_init)).Select(l => l.Range), Is.EqualTo(new[] { R(4, 2, 4, 7) }), "the declaration");
        var withoutDeclaration = await client.RequestAsync<Location[]>(Methods.References, new ReferenceParams(new TextDocumentIdentifier(uri), new Position(0, 20), new ReferenceContext(false)));
        Assert.That(withoutDeclaration!.Where(l => l.Uri == U(_init)), Is.Empty);
    }

    [Test]
    public async Task An_alias_is_highlighted_where_it_is_defined_and_used_within_its_statement_only()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        var uri = U(Path.Combine(_workspace, "queries", "alias.sql"));
        await client.OpenAsync(uri, "SELECT o.id, o.total FROM orders o WHERE o.total > 1;\nSELECT o.id FROM orders o;\n");
        var highlights = await client.RequestAsync<DocumentHighlight[]>(Methods.DocumentHighlight, At(uri, 0, 7));
        Assert.That(highlights!.Select(h => (h.Range.Start.Character, h.Kind)), Is.EqualTo(new[]
        {
            (7, DocumentHighlightKind.Read), (13, DocumentHighlightKind.Read), (33, DocumentHighlightKind.Write), (41, DocumentHighlightKind.Read),
        }));
        Assert.That(highlights!.All(h => h.Range.Start.Line == 0), Is.True);
        var references = await client.RequestAsync<Location[]>(Methods.References, new ReferenceParams(new TextDocumentIdentifier(uri), new Position(0, 33), new ReferenceContext(false)));
        Assert.That(references!.Select(l => l.Range.Start.Character), Is.EqualTo(new[] { 7, 13, 41 }));
    }

    [Test]
    public async Task Hover_and_definition_agree_on_what_a_name_is()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        var uri = U(_report);
        await client.OpenAsync(uri, File.ReadAllText(_report));
        var hover = await client.RequestAsync<Hover>(Methods.Hover, At(uri, 0, 9));
        var definition = await client.RequestAsync<Location[]>(Methods.Definition, At(uri, 0, 9));
        Assert.That(hover!.Contents.Value, Does.Contain("orders.total"));
        Assert.That(definition!.Single().Uri, Is.EqualTo(U(_init)));
        Assert.That(definition![0].Range.Start.Line, Is.EqualTo(4), "the column total of orders, which the hover names");
    }

    [Test]
    public async Task Hover_on_an_alias_describes_the_table_it_stands_for_as_definition_does()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        var uri = U(Path.Combine(_workspace, "queries", "alias-hover.sql"));
        await client.OpenAsync(uri, "SELECT o.total FROM orders o;\n");
        var hover = await client.RequestAsync<Hover>(Methods.Hover, At(uri, 0, 7));
        Assert.That(hover!.Contents.Value, Does.Contain("**table** `orders` as `o`"));
        Assert.That(hover.Range, Is.EqualTo(R(0, 7, 0, 8)));
        var definition = await client.RequestAsync<Location[]>(Methods.Definition, At(uri, 0, 7));
        Assert.That(definition!.Single().Range, Is.EqualTo(R(0, 27, 0, 28)));
    }
}
