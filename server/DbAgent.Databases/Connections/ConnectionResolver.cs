using System.Collections;
using System.Text.Json;

namespace DbAgent.Databases.Connections;

/// <summary>The connections the server knows, and the problems met reading them (for the log; secret-free).</summary>
public sealed record ConnectionTargetList(IReadOnlyList<ConnectionTarget> Targets, IReadOnlyList<string> Problems);

/// <summary>
/// Which connection target is meant, from configuration alone (no I/O): the `dbagent.connections` setting (or the
/// environment) as a list of targets, <see cref="ForDocument"/> the target a document uses, and <see cref="Resolve"/>
/// what `dbagent check --connection NAME|URL|CONNSTRING` names. Live sessions, state and catalogs per target are
/// <see cref="ConnectionManager"/>'s.
/// </summary>
public static class ConnectionResolver
{
    /// <summary>
    /// The `dbagent.connections` setting (raw JSON) as targets; when it has none, DATABASE_URL and the engines'
    /// environment variables. Entries that cannot be read are skipped and named in the problems.
    /// </summary>
    public static ConnectionTargetList FromSettings(JsonElement connectionsSetting, IReadOnlyList<string> workspaceFolders, IDictionary? environment)
    {
        var targets = new List<ConnectionTarget>();
        var problems = new List<string>();
        var entries = ConnectionSettings.ListFromJson(connectionsSetting);
        for (var i = 0; i < entries.Count; i++)
        {
            try
            {
                targets.Add(Anchor(ConnectionTargetParser.FromSettings(entries[i], i), workspaceFolders));
            }
            catch (ConnectionConfigurationException e)
            {
                problems.Add(e.Message);
            }
        }
        if (entries.Count == 0 && environment is not null)
            targets.AddRange(ConnectionTargetParser.FromEnvironment(environment).Select(t => Anchor(t, workspaceFolders)));
        // Two entries with one name: the first wins, as the user reads the list top down.
        var unique = targets.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
        if (unique.Count < targets.Count) problems.Add("dbagent.connections: two connections share a name; the first one is used.");
        return new ConnectionTargetList(unique, problems);
    }

    /// <summary>A relative SQLite path means a file of the workspace, not of the server's working directory.</summary>
    public static ConnectionTarget Anchor(ConnectionTarget target, IReadOnlyList<string> workspaceFolders)
    {
        if (target.Engine != DatabaseEngine.Sqlite || target.Database is not { Length: > 0 } file || workspaceFolders.Count == 0) return target;
        if (file == ":memory:" || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(file)) return target;
        return target with { Database = Path.GetFullPath(Path.Combine(workspaceFolders[0], file)) };
    }

    /// <summary>
    /// A configured name (or an environment connection's name), else a URL, else an ADO.NET connection string
    /// (with <paramref name="engine"/> when the string alone cannot tell). Throws
    /// <see cref="ConnectionConfigurationException"/> with a secret-free message when none fits.
    /// </summary>
    public static ConnectionTarget Resolve(string nameOrUrlOrConnectionString, IReadOnlyList<ConnectionTarget>? configured = null,
        DatabaseEngine? engine = null, IDictionary? environment = null)
    {
        var text = nameOrUrlOrConnectionString?.Trim() ?? "";
        if (text.Length == 0)
            throw new ConnectionConfigurationException("No connection given.");
        configured ??= [];
        var byName = configured.FirstOrDefault(c => string.Equals(c.Name, text, StringComparison.OrdinalIgnoreCase))
            ?? ConnectionTargetParser.FromEnvironment(environment).FirstOrDefault(c => string.Equals(c.Name, text, StringComparison.OrdinalIgnoreCase));
        if (byName is not null)
            return byName;
        // A URL, an ADO.NET connection string or a bare SQLite file path: the same parser as the settings use.
        if (ConnectionTargetParser.LooksLikeUrl(text) || text.Contains('=') || ConnectionTargetParser.IsSqliteFilePath(text, engine))
            return ConnectionTargetParser.FromConnectionString(text, engine, "command-line");
        var names = configured.Select(c => c.Name).ToList();
        throw new ConnectionConfigurationException(
            $"No connection named '{SecretRedactor.Redact(text)}'" + (names.Count > 0 ? $" (configured: {string.Join(", ", names)})" : "") +
            "; give a name, a URL such as postgres://user@host:5432/db, or a connection string.");
    }

    /// <summary>
    /// The connection a document (a file URI or a path) uses: the one whose folder (or file) is the longest prefix of
    /// its path, relative folders read from the workspace folder that holds the document; else the first connection
    /// that names no folders (so a single connection serves every SQL file and unsaved documents, and adding a second
    /// one does not take the first away from the files it served).
    /// </summary>
    public static ConnectionTarget? ForDocument(string document, IReadOnlyList<ConnectionTarget> connections, IReadOnlyList<string> workspaceFolders)
    {
        if (connections.Count == 0)
            return null;
        var documentPath = document;
        if (Uri.TryCreate(document, UriKind.Absolute, out var uri))
        {
            if (!uri.IsFile)
                return FirstUnscoped(connections);
            documentPath = uri.LocalPath;
        }
        var workspaceRoot = workspaceFolders.Where(f => documentPath.StartsWith(f.TrimEnd('/', '\\') + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .MaxBy(f => f.Length) ?? (workspaceFolders.Count > 0 ? workspaceFolders[0] : null);
        var path = Normalise(documentPath, workspaceRoot);
        ConnectionTarget? best = null;
        var bestLength = -1;
        foreach (var connection in connections)
        {
            foreach (var folder in connection.Folders)
            {
                var prefix = Normalise(folder, workspaceRoot).TrimEnd('/');
                var matches = path.Equals(prefix, PathComparison) ||
                              path.StartsWith(prefix + "/", PathComparison) || prefix.Length == 0;
                if (matches && prefix.Length > bestLength)
                {
                    best = connection;
                    bestLength = prefix.Length;
                }
            }
        }
        return best ?? FirstUnscoped(connections);
    }

    /// <summary>The connection for what lies in no folder (an unsaved document, a chat without one): the first that names none.</summary>
    public static ConnectionTarget? FirstUnscoped(IReadOnlyList<ConnectionTarget> connections) =>
        connections.FirstOrDefault(c => c.Folders.Count == 0);

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static string Normalise(string path, string? root)
    {
        if (path.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(path, UriKind.Absolute, out var uri))
            path = uri.LocalPath;
        if (root is not null && root.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(root, UriKind.Absolute, out var rootUri))
            root = rootUri.LocalPath;
        if (!Path.IsPathRooted(path) && root is not null)
            path = Path.Combine(root, path);
        if (Path.IsPathRooted(path))
            path = Path.GetFullPath(path);
        return path.Replace('\\', '/');
    }
}
