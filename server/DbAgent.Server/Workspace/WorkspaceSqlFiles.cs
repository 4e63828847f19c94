using System.Collections.Concurrent;
using DbAgent.Server.Documents;
using DbAgent.Sql.Text;

namespace DbAgent.Server.Workspace;

/// <summary>
/// The SQL files of the workspace for find-references: open documents as the editor has them, the others as they
/// are on disk (read once per modification time). Bounded: generated and dependency folders are skipped.
/// </summary>
public sealed class WorkspaceSqlFiles(WorkspaceSchema workspace, DocumentStore documents)
{
    public const int MaxFiles = 5000;
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "node_modules", ".git", "bin", "obj", ".vscode-test", "out", "dist" };

    private readonly ConcurrentDictionary<string, (DateTime Written, long Length, SourceText Text)> _disk = new(StringComparer.Ordinal);

    /// <summary>Every SQL file's URI and text.</summary>
    public IEnumerable<(string Uri, SourceText Text)> All()
    {
        var open = documents.OpenDocuments.ToHashSet(StringComparer.Ordinal);
        foreach (var uri in open)
            if (documents.TryGet(uri) is { } snapshot) yield return (uri, snapshot.Text);
        var count = 0;
        foreach (var folder in workspace.Folders)
            foreach (var path in Enumerate(folder))
            {
                if (++count > MaxFiles) yield break;
                var uri = new Uri(path).AbsoluteUri;
                if (open.Contains(uri)) continue;
                if (Read(path) is { } text) yield return (uri, text);
            }
    }

    /// <summary>The text of a document: open, else from disk; null when it cannot be read.</summary>
    public SourceText? TextOf(string uri) =>
        documents.TryGet(uri)?.Text ?? (WorkspaceSchema.LocalPath(uri) is { } path ? Read(path) : null);

    private SourceText? Read(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return null;
            if (_disk.TryGetValue(path, out var cached) && cached.Written == info.LastWriteTimeUtc && cached.Length == info.Length) return cached.Text;
            var text = SourceText.From(File.ReadAllText(path));
            _disk[path] = (info.LastWriteTimeUtc, info.Length, text);
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Enumerate(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            string[] files, dirs;
            try
            {
                files = Directory.GetFiles(dir, "*.sql");
                dirs = Directory.GetDirectories(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var f in files) yield return f;
            foreach (var d in dirs.OrderByDescending(d => d, StringComparer.Ordinal))
                if (!Skipped.Contains(Path.GetFileName(d))) pending.Push(d);
        }
    }
}
