using System.Collections.Concurrent;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Server.Documents;

/// <summary>
/// The open documents. Each applied version is an immutable <see cref="DocumentSnapshot"/> that any number of
/// readers share. Writes are applied before the call returns, one at a time; their order is the client's because
/// the host's <see cref="RequestQueue"/> runs the mutating handlers that make them in message order.
/// </summary>
public sealed class DocumentStore(ServerLogger log, Func<string, SqlDialect?> configuredDialect, Func<string, SqlDialect?>? connectionDialect = null)
{
    /// <summary>The dialect of the engine a document's connection runs: it outranks every other sign.</summary>
    private readonly Func<string, SqlDialect?> _engineDialect = connectionDialect ?? (_ => null);

    private readonly ConcurrentDictionary<string, DocumentSnapshot> _documents = new(StringComparer.Ordinal);
    /// <summary>One writer at a time: handlers and background work (a settings change re-selecting dialects).</summary>
    private readonly Lock _write = new();

    /// <summary>Raised by the writer after each new version (open, edit, dialect change).</summary>
    public event Action<DocumentSnapshot>? Changed;

    /// <summary>Raised by the writer after a document closed.</summary>
    public event Action<string>? Closed;

    public IReadOnlyCollection<string> OpenDocuments => _documents.Keys.ToList();

    /// <summary>The latest applied version.</summary>
    public DocumentSnapshot? TryGet(string uri) => _documents.TryGetValue(uri, out var s) ? s : null;

    /// <summary>
    /// The latest applied version. In a read handler that is the version with every edit the client sent before the
    /// request (the request queue started the read after them); the task form keeps handlers free to change that.
    /// </summary>
    public Task<DocumentSnapshot?> GetAsync(string uri, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<DocumentSnapshot?>(cancellationToken) : Task.FromResult(TryGet(uri));

    public void Open(TextDocumentItem item) => Write(() =>
    {
        var snapshot = Build(item.Uri, item.Version, item.LanguageId, SourceText.From(item.Text ?? string.Empty), previous: null);
        _documents[item.Uri] = snapshot;
        Changed?.Invoke(snapshot);
    });

    public void Change(VersionedTextDocumentIdentifier document, IReadOnlyList<TextDocumentContentChangeEvent> changes) => Write(() =>
    {
        if (!_documents.TryGetValue(document.Uri, out var current))
        {
            log.Warning($"Ignored an edit to a document that is not open: {document.Uri}");
            return;
        }
        var text = current.Text;
        var applied = new List<TextChange>(changes?.Count ?? 0);
        foreach (var change in changes ?? [])
        {
            if (change.Range is null)
            {
                applied.Add(new TextChange(new TextSpan(0, text.Length), change.Text ?? string.Empty));
                text = SourceText.From(change.Text ?? string.Empty);
                continue;
            }
            // Each range is relative to the text after the previous change of the same notification.
            var span = text.GetSpan(new LinePosition(change.Range.Start.Line, change.Range.Start.Character),
                new LinePosition(change.Range.End.Line, change.Range.End.Character));
            var edit = new TextChange(span, change.Text ?? string.Empty);
            applied.Add(edit);
            text = text.WithChange(edit);
        }
        var snapshot = Build(document.Uri, document.Version, current.LanguageId, text, current, applied);
        _documents[document.Uri] = snapshot;
        Changed?.Invoke(snapshot);
    });

    public void Close(string uri) => Write(() =>
    {
        if (!_documents.TryRemove(uri, out var closed)) return;
        Closed?.Invoke(uri);
        // Everything that held the document let go of it above: give a large one's memory back.
        if (closed.Text.Length >= MemoryRelease.LargeDocumentCharacters) Memory.Schedule();
    });

    /// <summary>Returns a large document's memory to the system after it closes.</summary>
    public MemoryRelease Memory { get; } = new();

    /// <summary>Re-selects the dialect of every open document (after a settings change) and re-parses those that changed.</summary>
    public void ReselectDialects() => Write(() =>
    {
        foreach (var (uri, current) in _documents.ToArray())
        {
            var snapshot = Build(uri, current.Version, current.LanguageId, current.Text, current);
            if (snapshot.Dialect == current.Dialect && snapshot.DialectSource == current.DialectSource) continue;
            _documents[uri] = snapshot;
            Changed?.Invoke(snapshot);
        }
    });

    private void Write(Action write)
    {
        lock (_write) write();
    }

    private DocumentSnapshot Build(string uri, int version, string languageId, SourceText text, DocumentSnapshot? previous, IReadOnlyList<TextChange>? changes = null)
    {
        var dialect = DialectResolver.Resolve(text, _engineDialect(uri), configuredDialect(uri), out var source);
        try
        {
            // Same dialect and a parse to start from: only the statements the edit touched are parsed again.
            var script = previous is { ParseFailure: null } && changes is not null && previous.Dialect == dialect
                ? previous.Script.WithChanges(text, changes)
                : SqlScript.Parse(text, dialect);
            return new DocumentSnapshot(uri, version, languageId, text, script, source);
        }
        catch (Exception e)
        {
            // The front end should never throw; if it does, the document stays usable as text and the server stays up.
            log.Error($"Could not parse {uri} (version {version}): {e.GetType().Name}: {e.Message}");
            return new DocumentSnapshot(uri, version, languageId, text, SqlScript.Parse(SourceText.From(string.Empty), dialect), source)
            {
                ParseFailure = e.Message,
            };
        }
    }
}
