using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Sql;

namespace DbAgent.Agent.Commands;

/// <summary>/backup: backup and recovery for the detected engine, with the commands.</summary>
public sealed class BackupCommand : IChatCommand
{
    public string Name => "backup";
    public string Description => "backup and recovery";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        var dialect = context.Dialect ?? SqlDialect.Postgres;
        var detected = EngineContext.Describe(context);
        await response.MarkdownAsync($"## Backup and recovery: {EngineNames.DisplayName(dialect)}\n\n{detected}\n");
        await response.MarkdownAsync(Guide(dialect));
        await response.MarkdownAsync("\nWhatever the engine: a backup you have not restored is a hope, not a backup. Restore into a scratch instance on a schedule, time it (that is your real recovery time), and keep copies off the database host.\n");
        return Followups.Of("scaling", "migrations", "schema");
    }

    /// <summary>The engine's guide: Commands/Guides/backup-&lt;dialect&gt;.md, embedded like the rule docs.</summary>
    public static string Guide(SqlDialect dialect) => Guides.Read("backup", dialect);
}

/// <summary>One sentence on what the answer is grounded in: the connection, the file's dialect, or nothing.</summary>
internal static class EngineContext
{
    public static string Describe(ChatContext context)
    {
        if (context.Session is { } s) return $"Detected from connection **{context.ConnectionName ?? s.ServerInfo.Database}**: {EngineNames.ServerName(s.ServerInfo)}.\n";
        if (context.Document is { } d) return $"Detected from the active file's dialect ({d.Dialect.ToName()}); configure a connection to ground this in the server's version and settings.\n";
        if (context.Schema is { } schema) return $"Detected from the workspace schema ({schema.Dialect.ToName()}).\n";
        return "No engine detected (no SQL file open, no connection): this is PostgreSQL, the default. Open a SQL file of your project, or set `dbagent.dialect`, for your engine.\n";
    }
}
