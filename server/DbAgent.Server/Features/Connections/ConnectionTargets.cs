using System.Collections;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Server.Features.Configuration;

namespace DbAgent.Server.Features.Connections;

/// <summary>The connections the server knows, and the problems met reading them (for the log; secret-free).</summary>
public sealed record ConnectionTargetList(IReadOnlyList<ConnectionTarget> Targets, IReadOnlyList<string> Problems);

/// <summary>
/// Turns the `dbagent.connections` setting (or, when it has none, DATABASE_URL and the engines' environment
/// variables) into connection targets, and tells which one a document uses.
/// </summary>
public static class ConnectionTargets
{
    public static ConnectionTargetList FromSettings(DbAgentSettings settings, IReadOnlyList<string> workspaceFolders, IDictionary? environment)
    {
        var targets = new List<ConnectionTarget>();
        var problems = new List<string>();
        var entries = ConnectionSettings.ListFromJson(settings.Connections);
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

    /// <summary>The connection a document uses (by its folders; the only one when it names none), or null.</summary>
    public static ConnectionTarget? ForDocument(string documentUri, IReadOnlyList<ConnectionTarget> targets, IReadOnlyList<string> workspaceFolders)
    {
        if (targets.Count == 0) return null;
        if (!Uri.TryCreate(documentUri, UriKind.Absolute, out var uri) || !uri.IsFile)
            return targets.Count == 1 && targets[0].Folders.Count == 0 ? targets[0] : null;
        var path = uri.LocalPath;
        var root = workspaceFolders.Where(f => path.StartsWith(f.TrimEnd('/', '\\') + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .MaxBy(f => f.Length) ?? (workspaceFolders.Count > 0 ? workspaceFolders[0] : null);
        return ConnectionResolver.ForDocument(path, targets, root);
    }

    /// <summary>A relative SQLite path means a file of the workspace, not of the server's working directory.</summary>
    public static ConnectionTarget Anchor(ConnectionTarget target, IReadOnlyList<string> workspaceFolders)
    {
        if (target.Engine != DatabaseEngine.Sqlite || target.Database is not { Length: > 0 } file || workspaceFolders.Count == 0) return target;
        if (file == ":memory:" || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(file)) return target;
        return target with { Database = Path.GetFullPath(Path.Combine(workspaceFolders[0], file)) };
    }
}
