using DbAgent.Analysis.Plans;
using DbAgent.Databases;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Tests;

/// <summary>A database session answering from recorded engine output, counting what it was asked.</summary>
internal sealed class RecordedSession(ServerInfo info) : IDatabaseSession
{
    public ServerInfo ServerInfo => info;
    public QueryPlan? Plan { get; init; }
    public Dictionary<string, TableStats> Stats { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<string> Explained { get; } = [];
    public Func<CancellationToken, Task>? BeforeAnswer { get; init; }

    public Task<SchemaModel> LoadSchemaAsync(CancellationToken cancellationToken) => Task.FromResult(new SchemaModel(DbAgent.Sql.SqlDialect.Postgres));

    public async Task<TableStats?> GetTableStatsAsync(QualifiedName table, CancellationToken cancellationToken)
    {
        if (BeforeAnswer is not null) await BeforeAnswer(cancellationToken);
        return Stats.GetValueOrDefault(table.Name);
    }

    public Task<ColumnStats?> GetColumnStatsAsync(QualifiedName table, string column, CancellationToken cancellationToken) => Task.FromResult<ColumnStats?>(null);

    public async Task<QueryPlan> ExplainAsync(string sql, ReadOnlyQueryOptions options, CancellationToken cancellationToken)
    {
        if (BeforeAnswer is not null) await BeforeAnswer(cancellationToken);
        Explained.Add(sql);
        return Plan ?? throw new InvalidOperationException("relation \"orders\" does not exist");
    }

    public WhatIfIndexResult? WhatIf { get; init; }
    public List<DbAgent.Sql.Semantics.IndexDefinition> Tried { get; } = [];

    public Task<WhatIfIndexResult> ExplainWithIndexAsync(string sql, DbAgent.Sql.Semantics.IndexDefinition index, ReadOnlyQueryOptions options, CancellationToken cancellationToken)
    {
        Tried.Add(index);
        return Task.FromResult(WhatIf ?? WhatIfIndexResult.Unsupported("MySQL cannot evaluate an index without building it; the index is only proposed."));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
