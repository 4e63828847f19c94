using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Migrations;
using DbAgent.Sql.Schema;
using Microsoft.Extensions.Logging;

namespace DbAgent.Server.Workspace;

/// <summary>The schema the workspace's migrations build, with where it came from (for hovers and the chat).</summary>
public sealed record WorkspaceSchemaSnapshot(SchemaModel Schema, string Source, IReadOnlyList<MigrationSet> Sets, IReadOnlyList<MigrationReplayResult> Replays)
{
    /// <summary>Every migration file replayed, as document URIs (a save of one of them rebuilds the schema).</summary>
    public IReadOnlySet<string> MigrationUris { get; } =
        Replays.SelectMany(r => r.Files).Select(f => f.DocumentUri).ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// The schema a set of folders' migrations build, with no LSP state: the editor's <see cref="WorkspaceSchema"/>
/// (which adds caching and invalidation) and `dbagent check` both build it here.
/// </summary>
public static class MigrationSchema
{
    /// <summary>
    /// Replays the migrations found under <paramref name="folders"/> into one schema: what the editor and
    /// `dbagent check` give the schema-aware rules, built the same way for both.
    /// </summary>
    public static WorkspaceSchemaSnapshot? Build(IEnumerable<string> folders, Func<IReadOnlyList<MigrationSet>, SqlDialect?> dialectOf, Action<LogLevel, string>? log = null)
    {
        try
        {
            var sets = folders.SelectMany(MigrationDiscovery.Discover).ToList();
            if (sets.Count == 0) return null;
            var dialect = dialectOf(sets) ?? DetectDialect(sets);
            var schema = new SchemaModel(dialect);
            var replays = new List<MigrationReplayResult>();
            foreach (var set in sets)
            {
                var result = MigrationReplay.Replay(set, dialect, schema);
                replays.Add(result);
                foreach (var failed in result.Files.Where(f => f.ReadError is not null))
                    log?.Invoke(LogLevel.Warning, $"Migration {failed.File.Path} not replayed: {failed.ReadError}");
            }
            var files = replays.Sum(r => r.Files.Count);
            var source = $"{files} migration file{(files == 1 ? "" : "s")} in {string.Join(", ", sets.Select(s => Relative(folders, s.Directory)))}";
            log?.Invoke(LogLevel.Information, $"Schema from {source}: {schema.Tables.Count} tables, {schema.Views.Count} views.");
            return new WorkspaceSchemaSnapshot(schema, source, sets, replays);
        }
        catch (Exception e)
        {
            log?.Invoke(LogLevel.Error, $"Replaying the workspace migrations failed: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    /// <summary>The dialect the migrations are written in: the first file that says or shows one, else PostgreSQL.</summary>
    private static SqlDialect DetectDialect(IEnumerable<MigrationSet> sets)
    {
        foreach (var file in sets.SelectMany(s => s.Files).Take(20))
        {
            try
            {
                using var reader = new StreamReader(file.Path);
                var buffer = new char[16 * 1024];
                var head = new string(buffer, 0, reader.ReadBlock(buffer, 0, buffer.Length));
                var dialect = DialectResolver.Resolve(head, null, null, out var source);
                if (source != DialectSource.Default) return dialect;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return SqlDialect.Postgres;
    }

    private static string Relative(IEnumerable<string> folders, string directory)
    {
        foreach (var folder in folders)
        {
            var relative = Path.GetRelativePath(folder, directory);
            if (!relative.StartsWith("..", StringComparison.Ordinal)) return relative;
        }
        return directory;
    }

}
