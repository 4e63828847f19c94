using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Host;
using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Migrations;
using DbAgent.Sql.Schema;

namespace DbAgent.Server.Workspace;

/// <summary>
/// Discovers the migration folders of the workspace folders and replays them, in their tool's order, into one schema
/// model. Built lazily off the request path, rebuilt after a migration is saved or the settings change; readers get
/// the last complete build and never wait for file I/O more than once.
/// </summary>
public sealed class WorkspaceSchema
{
    private readonly ServerState _state;
    private readonly WorkspaceConfiguration _configuration;
    private readonly DocumentConnections _connections;
    private readonly ServerLogger _log;
    private readonly object _gate = new();
    private Task<WorkspaceSchemaSnapshot?>? _build;

    public WorkspaceSchema(ServerState state, WorkspaceConfiguration configuration, DocumentConnections connections, ServerLogger log)
    {
        _state = state;
        _configuration = configuration;
        _connections = connections;
        _log = log;
        configuration.Changed += Invalidate;
    }

    /// <summary>The workspace folders as local paths (file: URIs only; others are not on this machine's disk).</summary>
    public IReadOnlyList<string> Folders => _state.WorkspaceFolders;

    /// <summary>The current build (started now if there is none); null when the workspace has no migrations.</summary>
    public Task<WorkspaceSchemaSnapshot?> GetAsync(CancellationToken cancellationToken)
    {
        Task<WorkspaceSchemaSnapshot?> build;
        lock (_gate) build = _build ??= Task.Run(Build);
        return build.WaitAsync(cancellationToken);
    }

    /// <summary>Forget the build: the next reader starts a fresh one.</summary>
    public void Invalidate()
    {
        lock (_gate) _build = null;
    }

    /// <summary>Rebuild when the saved document is a migration (or lies in a migration folder).</summary>
    public void OnSaved(string uri)
    {
        Task<WorkspaceSchemaSnapshot?>? build;
        lock (_gate) build = _build;
        if (build is null) return;
        if (!build.IsCompletedSuccessfully || build.Result is null || build.Result.MigrationUris.Contains(uri) || InMigrationFolder(build.Result, uri))
            Invalidate();
    }

    private static bool InMigrationFolder(WorkspaceSchemaSnapshot snapshot, string uri) =>
        LocalPath(uri) is { } path && snapshot.Replays.Any(r => r.Files.Count > 0 &&
            string.Equals(Path.GetDirectoryName(path), Path.GetDirectoryName(r.Files[0].File.Path), StringComparison.Ordinal));

    /// <summary>The schema the migrations build, once it has been built; null before (readers that must not wait).</summary>
    public SchemaModel? Completed
    {
        get
        {
            Task<WorkspaceSchemaSnapshot?>? build;
            lock (_gate) build = _build;
            // Result of a task already completed: no wait.
#pragma warning disable VSTHRD002
            return build is { IsCompletedSuccessfully: true } ? build.Result?.Schema : null;
#pragma warning restore VSTHRD002
        }
    }

    private WorkspaceSchemaSnapshot? Build()
    {
        var first = (string?)null;
        // The project's dbagent.json may name migration folders outside the usual places.
        var folders = Folders.Concat(Folders.SelectMany(f => _configuration.Projects.For(f, out _)?.MigrationFolders ?? [])).Distinct(StringComparer.Ordinal).ToList();
        return MigrationSchema.Build(folders, sets =>
        {
            first = sets.SelectMany(s => s.Files).Select(f => new Uri(Path.GetFullPath(f.Path)).AbsoluteUri).FirstOrDefault();
            return (first is null ? null : _connections.DialectFor(first)) ?? _configuration.Global.Dialect;
        }, _log.Log);
    }

    public static string? LocalPath(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : null;
}
