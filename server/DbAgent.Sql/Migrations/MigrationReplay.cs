using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Migrations;

/// <summary>What replaying one migration file did; <see cref="ReadError"/> is set when the file could not be read.</summary>
public sealed record MigrationFileResult(MigrationFile File, string DocumentUri, ReplayResult Replay, string? ReadError = null);

/// <summary>The schema a migration set builds, and each file's part in it.</summary>
public sealed record MigrationReplayResult(SchemaModel Schema, IReadOnlyList<MigrationFileResult> Files);

/// <summary>Replays a migration set, file by file in order, into one schema model.</summary>
public static class MigrationReplay
{
    /// <summary>Larger files are not migrations a person wrote (data dumps): read no more than this.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    public static MigrationReplayResult Replay(MigrationSet set, SqlDialect dialect, SchemaModel? into = null, CancellationToken cancellationToken = default)
    {
        var schema = into ?? new SchemaModel(dialect);
        var replayer = new SchemaReplayer(schema);
        var results = new List<MigrationFileResult>(set.Files.Count);
        foreach (var file in set.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var uri = new Uri(Path.GetFullPath(file.Path)).AbsoluteUri;
            string text;
            try
            {
                var info = new FileInfo(file.Path);
                if (info.Length > MaxFileBytes)
                {
                    results.Add(new MigrationFileResult(file, uri, Empty, $"File is larger than {MaxFileBytes / (1024 * 1024)} MB: not replayed."));
                    continue;
                }
                text = File.ReadAllText(file.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                results.Add(new MigrationFileResult(file, uri, Empty, e.Message));
                continue;
            }
            results.Add(new MigrationFileResult(file, uri, ReplayText(replayer, file, text, dialect, uri)));
        }
        return new MigrationReplayResult(schema, results);
    }

    /// <summary>Replays one migration's text (its up section) with a replayer that carries the schema so far.</summary>
    public static ReplayResult ReplayText(SchemaReplayer replayer, MigrationFile file, string text, SqlDialect dialect, string? documentUri)
    {
        var up = MigrationDiscovery.UpSectionLength(file, text);
        var script = SqlScript.Parse(up == text.Length ? text : text[..up], dialect);
        return replayer.Apply(script, documentUri);
    }

    private static readonly ReplayResult Empty = new(0, 0, [], []);
}
