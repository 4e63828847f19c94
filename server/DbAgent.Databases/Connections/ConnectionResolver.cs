using System.Collections;

namespace DbAgent.Databases.Connections;

/// <summary>
/// Which connection a command line or a document means. `dbagent check --connection NAME|URL|CONNSTRING` calls
/// <see cref="Resolve"/>; the language server calls <see cref="ForDocument"/>.
/// </summary>
public static class ConnectionResolver
{
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
    /// The connection a document uses: the one whose folder (or file) is the longest prefix of its path; or, when
    /// exactly one connection is configured and it names no folders, that one for every SQL file.
    /// </summary>
    public static ConnectionTarget? ForDocument(string documentPath, IReadOnlyList<ConnectionTarget> connections, string? workspaceRoot = null)
    {
        if (connections.Count == 0)
            return null;
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
        if (best is not null)
            return best;
        return connections.Count == 1 && connections[0].Folders.Count == 0 ? connections[0] : null;
    }

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
