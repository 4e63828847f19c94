using DbAgent.Analysis.Plans;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Server.Features.Connections;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Server.Features.Chat;

/// <summary>
/// The document's database as the chat sees it: each call borrows the shared connection for just that call, so a
/// long answer (a model streaming for a minute) never holds the connection that hovers and plans also use.
/// A failure surfaces as <see cref="DatabaseAccessException"/>, whose message is secret-free.
/// </summary>
internal sealed class ChatDatabaseSession(DocumentConnections connections, string documentUri, ServerInfo serverInfo, EngineCapabilities capabilities) : IDatabaseSession
{
    public ServerInfo ServerInfo => serverInfo;

    public EngineCapabilities Capabilities => capabilities;

    public Task<SchemaModel> LoadSchemaAsync(CancellationToken cancellationToken) =>
        UseAsync((s, ct) => s.LoadSchemaAsync(ct), cancellationToken);

    public Task<TableStats?> GetTableStatsAsync(QualifiedName table, CancellationToken cancellationToken) =>
        UseAsync((s, ct) => s.GetTableStatsAsync(table, ct), cancellationToken);

    public Task<ColumnStats?> GetColumnStatsAsync(QualifiedName table, string column, CancellationToken cancellationToken) =>
        UseAsync((s, ct) => s.GetColumnStatsAsync(table, column, ct), cancellationToken);

    public Task<QueryPlan> ExplainAsync(string sql, ReadOnlyQueryOptions options, CancellationToken cancellationToken) =>
        UseAsync((s, ct) => s.ExplainAsync(sql, options, ct), cancellationToken);

    public Task<WhatIfIndexResult> ExplainWithIndexAsync(string sql, IndexDefinition index, ReadOnlyQueryOptions options, CancellationToken cancellationToken) =>
        UseAsync((s, ct) => s.ExplainWithIndexAsync(sql, index, options, ct), cancellationToken);

    private async Task<T> UseAsync<T>(Func<IDatabaseSession, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var result = await connections.UseAsync(documentUri, operation, cancellationToken).ConfigureAwait(false)
            ?? throw new DatabaseAccessException(new ConnectionFailure(ConnectionFailureKind.Unreachable, "The document no longer uses a connection."));
        if (result.Failure is { } failure) throw new DatabaseAccessException(failure);
        return result.Value!;
    }

    /// <summary>The connection is shared and owned by the server: nothing to close here.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
