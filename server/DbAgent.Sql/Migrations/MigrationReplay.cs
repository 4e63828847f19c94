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
        // Files are read, parsed and bound a few ahead on the other cores while the schema takes them in order:
        // the replay itself must be sequential, the parsing need not be. The window bounds the trees held at once.
        var window = Math.Max(2, Environment.ProcessorCount);
        var pending = new Task<Prepared>[set.Files.Count];
        for (var i = 0; i < Math.Min(window, pending.Length); i++) pending[i] = PrepareAsync(set.Files[i], dialect, cancellationToken);
        for (var i = 0; i < pending.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Replay is synchronous by design (a pure layer); files are read and parsed ahead on the pool, applied in order here.
#pragma warning disable VSTHRD002
            var prepared = pending[i].GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
            pending[i] = null!;
            if (i + window < pending.Length) pending[i + window] = PrepareAsync(set.Files[i + window], dialect, cancellationToken);
            results.Add(prepared.Script is null
                ? new MigrationFileResult(prepared.File, prepared.Uri, Empty, prepared.Error)
                : new MigrationFileResult(prepared.File, prepared.Uri, replayer.Apply(prepared.Script, prepared.Uri)));
        }
        return new MigrationReplayResult(schema, results);
    }

    private sealed record Prepared(MigrationFile File, string Uri, SqlScript? Script, string? Error);

    private static Task<Prepared> PrepareAsync(MigrationFile file, SqlDialect dialect, CancellationToken cancellationToken) => Task.Run(() =>
    {
        var uri = new Uri(Path.GetFullPath(file.Path)).AbsoluteUri;
        string text;
        try
        {
            var info = new FileInfo(file.Path);
            if (info.Length > MaxFileBytes) return new Prepared(file, uri, null, $"File is larger than {MaxFileBytes / (1024 * 1024)} MB: not replayed.");
            text = File.ReadAllText(file.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Prepared(file, uri, null, e.Message);
        }
        var up = MigrationDiscovery.UpSectionLength(file, text);
        var script = SqlScript.Parse(up == text.Length ? text : text[..up], dialect);
        foreach (var statement in script.Statements) _ = statement.Model;
        return new Prepared(file, uri, script, null);
    }, cancellationToken);

    /// <summary>Replays one migration's text (its up section) with a replayer that carries the schema so far.</summary>
    public static ReplayResult ReplayText(SchemaReplayer replayer, MigrationFile file, string text, SqlDialect dialect, string? documentUri)
    {
        var up = MigrationDiscovery.UpSectionLength(file, text);
        var script = SqlScript.Parse(up == text.Length ? text : text[..up], dialect);
        return replayer.Apply(script, documentUri);
    }

    private static readonly ReplayResult Empty = new(0, 0, [], []);
}
