using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Databases;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Server.Host;
using DbAgent.Server.Workspace;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Syntax;

namespace DbAgent.Server.Features.Chat;

/// <summary>
/// The files a tool may be pointed at: an open document (its current snapshot and findings), or a file inside a
/// workspace folder read from disk and analysed like the editor would. Nothing outside the workspace is read.
/// </summary>
internal sealed class WorkspaceToolDocuments(LanguageServerContext server) : IToolDocuments
{
    private const long MaxFileBytes = 4 * 1024 * 1024;

    public async Task<ChatDocument?> OpenAsync(string fileOrUri, CancellationToken cancellationToken)
    {
        var folders = server.Schema.Folders;
        var path = PathOf(fileOrUri.Trim(), folders);
        if (path is null) return null;
        var uri = new Uri(path).AbsoluteUri;
        foreach (var open in server.Documents.OpenDocuments)
        {
            if (WorkspaceSchema.LocalPath(open) is { } openPath && string.Equals(Path.GetFullPath(openPath), path, StringComparison.Ordinal) &&
                await server.Documents.GetAsync(open, cancellationToken).ConfigureAwait(false) is { } snapshot)
            {
                var published = server.Diagnostics.LastPublished(snapshot.Uri);
                return new ChatDocument(snapshot.Uri, snapshot.Script)
                {
                    Findings = published?.Version == snapshot.Version ? published.Findings : server.Diagnostics.Analyze(snapshot, cancellationToken),
                };
            }
        }
        if (!folders.Any(f => Inside(path, f)) || !File.Exists(path) || new FileInfo(path).Length > MaxFileBytes) return null;
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var settings = server.Configuration.For(uri);
        var connection = server.Connections.For(uri) is { } target ? target.Engine.ToDialect() : (DbAgent.Sql.SqlDialect?)null;
        var dialect = DialectResolver.Resolve(text, connection, settings.Dialect, out _);
        var script = SqlScript.Parse(text, dialect);
        // The one pipeline the editor and `dbagent check` use, with the migrations' schema (no plans: the file is not open).
        var findings = DbAgent.Analysis.Pipeline.FindingsPipeline.Analyze(script,
            settings.AnalysisInput() with { Schema = server.Schema.Completed }, cancellationToken).Findings;
        return new ChatDocument(uri, script) { Findings = findings };
    }

    /// <summary>A URI, an absolute path, or a path relative to a workspace folder (the first where it exists).</summary>
    private static string? PathOf(string fileOrUri, IReadOnlyList<string> folders)
    {
        if (fileOrUri.Length == 0) return null;
        if (fileOrUri.Contains("://", StringComparison.Ordinal))
            return WorkspaceSchema.LocalPath(fileOrUri) is { } local ? Path.GetFullPath(local) : null;
        if (Path.IsPathRooted(fileOrUri)) return Path.GetFullPath(fileOrUri);
        var relative = fileOrUri.Replace('\\', '/').TrimStart('/');
        foreach (var folder in folders)
        {
            var candidate = Path.GetFullPath(Path.Combine(folder, relative));
            if (File.Exists(candidate)) return candidate;
        }
        return folders.Count > 0 ? Path.GetFullPath(Path.Combine(folders[0], relative)) : null;
    }

    private static bool Inside(string path, string folder)
    {
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return path.StartsWith(root, StringComparison.Ordinal);
    }
}
