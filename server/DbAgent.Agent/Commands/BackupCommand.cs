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
        await response.MarkdownAsync($"## Backup and recovery: {Engines.DisplayName(dialect)}\n\n{detected}\n");
        await response.MarkdownAsync(Guide(dialect));
        await response.MarkdownAsync("\nWhatever the engine: a backup you have not restored is a hope, not a backup. Restore into a scratch instance on a schedule, time it (that is your real recovery time), and keep copies off the database host.\n");
        return Followups.Of("scaling", "migrations", "schema");
    }

    public static string Guide(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Postgres => """
            **Logical backups** (portable, per database, good up to tens of GB):
            ```sh
            pg_dump -Fc -d app -f app.dump                 # custom format: compressed, selective restore
            pg_dumpall --globals-only -f globals.sql       # roles and tablespaces are not in pg_dump
            pg_restore -j 4 -d app_restored app.dump        # parallel restore into an existing empty database
            ```
            **Physical backups + WAL archiving = point-in-time recovery (PITR)**:
            ```ini
            # postgresql.conf
            wal_level = replica
            archive_mode = on
            archive_command = 'test ! -f /archive/%f && cp %p /archive/%f'
            ```
            ```sh
            pg_basebackup -D /backups/base -Ft -z -X stream -P   # needs a role with REPLICATION
            ```
            To restore to a moment: unpack the base backup, set `restore_command = 'cp /archive/%f %p'` and `recovery_target_time = '2024-05-01 12:00:00+00'`, create an empty `recovery.signal` file in the data directory (PostgreSQL 12+), and start the server.
            Watch `pg_stat_archiver` (`failed_count`) so archiving never silently stops. For production, pgBackRest, Barman or WAL-G manage retention, compression, encryption and verification for you.

            """,
        SqlDialect.MySql => """
            **Logical backups** (consistent for InnoDB without locking, thanks to `--single-transaction`):
            ```sh
            mysqldump --single-transaction --routines --triggers --events --source-data=2 app > app.sql
            # MariaDB: mariadb-dump ... --master-data=2 ; MySQL before 8.0.26: --master-data=2
            mysql app_restored < app.sql
            ```
            Keep credentials in an option file (`--defaults-extra-file=~/.backup.cnf`), never on the command line.
            **Physical backups** (fast for large data): MariaDB's `mariabackup`, Percona XtraBackup for MySQL:
            ```sh
            mariabackup --backup --target-dir=/backups/full
            mariabackup --prepare --target-dir=/backups/full
            # restore: stop the server, empty the datadir, then
            mariabackup --copy-back --target-dir=/backups/full && chown -R mysql:mysql /var/lib/mysql
            ```
            **Point-in-time recovery with the binary log**: enable `log_bin`, `binlog_format = ROW`, and keep logs longer than your backup interval (`binlog_expire_logs_seconds`, MariaDB `expire_logs_days`). After restoring the last backup, replay from its recorded position:
            ```sh
            mysqlbinlog --start-position=<from backup> --stop-datetime="2024-05-01 12:00:00" binlog.000042 binlog.000043 | mysql
            ```

            """,
        SqlDialect.TSql => """
            **Recovery model first**: `SIMPLE` restores only to the last full/differential backup; `FULL` adds log backups and point-in-time restore.
            ```sql
            ALTER DATABASE app SET RECOVERY FULL;
            BACKUP DATABASE app TO DISK = N'/var/opt/mssql/backup/app_full.bak' WITH COMPRESSION, CHECKSUM;            -- weekly/daily
            BACKUP DATABASE app TO DISK = N'/var/opt/mssql/backup/app_diff.bak' WITH DIFFERENTIAL, COMPRESSION, CHECKSUM; -- daily
            BACKUP LOG app TO DISK = N'/var/opt/mssql/backup/app_log.trn' WITH COMPRESSION, CHECKSUM;                  -- every 5-15 min
            RESTORE VERIFYONLY FROM DISK = N'/var/opt/mssql/backup/app_full.bak' WITH CHECKSUM;
            ```
            **Restore to a point in time**: take a tail-log backup if the database is still reachable (`BACKUP LOG app TO DISK = ... WITH NORECOVERY`), then:
            ```sql
            RESTORE DATABASE app FROM DISK = N'.../app_full.bak' WITH NORECOVERY, REPLACE;
            RESTORE DATABASE app FROM DISK = N'.../app_diff.bak' WITH NORECOVERY;
            RESTORE LOG app FROM DISK = N'.../app_log.trn' WITH STOPAT = '2024-05-01T12:00:00', RECOVERY;
            ```
            In FULL recovery without log backups the log grows until the disk fills: schedule log backups (SQL Agent, Ola Hallengren's maintenance solution) as soon as you switch.

            """,
        _ => """
            **Online backup** (consistent even while the application writes):
            ```sh
            sqlite3 app.db ".backup 'app-backup.db'"
            ```
            or, from SQL (SQLite 3.27+), a compacted copy:
            ```sql
            VACUUM INTO '/backups/app-2024-05-01.db';
            ```
            Do not copy the `.db` file with `cp` while it is open for writing: in WAL mode the recent changes live in `app.db-wal`, and a file copy can be torn. Check a backup with `sqlite3 app-backup.db "PRAGMA integrity_check;"`.
            **Continuous backup**: Litestream streams the WAL to S3-compatible storage and restores to a point in time (`litestream restore -timestamp ...`).

            """,
    };
}

/// <summary>One sentence on what the answer is grounded in: the connection, the file's dialect, or nothing.</summary>
internal static class EngineContext
{
    public static string Describe(ChatContext context)
    {
        if (context.Session is { } s) return $"Detected from connection **{context.ConnectionName ?? s.ServerInfo.Database}**: {Engines.ServerName(s.ServerInfo)}.\n";
        if (context.Document is { } d) return $"Detected from the active file's dialect ({d.Dialect.ToName()}); configure a connection to ground this in the server's version and settings.\n";
        if (context.Schema is { } schema) return $"Detected from the workspace schema ({schema.Dialect.ToName()}).\n";
        return "No engine detected (no SQL file open, no connection): this is PostgreSQL, the default. Open a SQL file of your project, or set `dbagent.dialect`, for your engine.\n";
    }
}
