using System.Runtime.CompilerServices;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Host;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Server.Workspace;

/// <summary>The schema a document sees, and where it came from (for hovers: "the live catalog of `app`").</summary>
public sealed record DocumentSchema(SchemaModel? Model, string? Source, bool Live)
{
    /// <summary>False while the live catalog is still being read: the answer comes from the migrations meanwhile.</summary>
    public bool Complete { get; init; } = true;
}

/// <summary>
/// The one schema model every editor feature reads (hover, completion, definition): the live catalog of the
/// document's connection when it is loaded, else the workspace's replayed migrations, with the document's own DDL
/// replayed over it. The overlay is a <see cref="SchemaModel.Fork"/> (tables shared, copied only where the DDL
/// changes them), built once per document version and base schema, not per request. Never waits for a catalog
/// read longer than the caller allows: the read goes on in the background and the next request finds it.
/// </summary>
public sealed class DocumentSchemas(DocumentConnections connections, WorkspaceSchema workspace, ServerLogger log)
{
    private sealed record Overlay(SchemaModel Base, SchemaModel Model);
    /// <summary>Per script (one document version): the base it was replayed over and the result.</summary>
    private readonly ConditionalWeakTable<DbAgent.Sql.Syntax.SqlScript, Overlay> _overlays = new();

    public async Task<DocumentSchema> GetAsync(DocumentSnapshot snapshot, TimeSpan catalogWait, CancellationToken cancellationToken)
    {
        SchemaModel? baseModel = null;
        string? source = null;
        var live = false;
        var complete = true;
        if (connections.For(snapshot.Uri) is { } target)
        {
            baseModel = connections.Manager.CachedSchema(target.Name);
            if (baseModel is null && catalogWait > TimeSpan.Zero)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(catalogWait);
                try
                {
                    var result = await connections.Manager.GetSchemaAsync(target.Name, refresh: false, timeout.Token).ConfigureAwait(false);
                    baseModel = result.Value;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }
            else if (baseModel is not null)
            {
                // Answers from the cache at once; starts the background change check when it is due.
                _ = connections.Manager.GetSchemaAsync(target.Name, refresh: false, CancellationToken.None);
            }
            else connections.Manager.PreloadSchema(target.Name);
            if (baseModel is not null)
            {
                live = true;
                source = $"the live catalog of `{target.Name}`";
            }
            else complete = false;
        }
        WorkspaceSchemaSnapshot? replayed = null;
        if (baseModel is null)
        {
            replayed = await workspace.GetAsync(cancellationToken).ConfigureAwait(false);
            baseModel = replayed?.Schema;
            source = replayed?.Source;
        }

        var hasDdl = ScriptDdl.Statements(snapshot.Script).Any();
        if (!hasDdl || (replayed is not null && replayed.MigrationUris.Contains(snapshot.Uri)))
            return new DocumentSchema(baseModel, source, live) { Complete = complete };

        var model = OverlayFor(snapshot, baseModel);
        return new DocumentSchema(model, source is null ? "this file" : $"{source} and this file", live) { Complete = complete };
    }

    /// <summary>An empty schema per dialect, never changed: the base of a file's DDL when there is no other.</summary>
    private static readonly SchemaModel[] Empty = Enum.GetValues<DbAgent.Sql.SqlDialect>().OrderBy(d => (int)d).Select(d => new SchemaModel(d)).ToArray();

    private SchemaModel OverlayFor(DocumentSnapshot snapshot, SchemaModel? baseModel)
    {
        var root = baseModel ?? Empty[(int)snapshot.Dialect];
        if (_overlays.TryGetValue(snapshot.Script, out var cached) && ReferenceEquals(cached.Base, root)) return cached.Model;
        var model = root.Fork();
        try
        {
            var replayer = new SchemaReplayer(model);
            foreach (var statement in ScriptDdl.Statements(snapshot.Script)) replayer.Apply(statement.Model, snapshot.Uri);
        }
        catch (Exception e)
        {
            log.Warning($"Replaying the DDL of {snapshot.Uri} failed: {e.GetType().Name}: {e.Message}");
        }
        _overlays.AddOrUpdate(snapshot.Script, new Overlay(root, model));
        return model;
    }
}
