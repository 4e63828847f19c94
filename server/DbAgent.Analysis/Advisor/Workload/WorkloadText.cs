using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Advisor.Workload;

/// <summary>The queries of a SQL text (a workload file, a workspace document): the statements an index can serve.</summary>
public static class WorkloadText
{
    public static IReadOnlyList<WorkloadQuery> Queries(string text, SqlDialect dialect, string? origin = null, WorkloadSource source = WorkloadSource.File)
    {
        var script = SqlScript.Parse(text, dialect);
        var queries = new List<WorkloadQuery>();
        foreach (var statement in script.Statements)
        {
            if (statement.HasSyntaxErrors) continue;
            var model = statement.Model;
            if (model.Kind is not (StatementKind.Select or StatementKind.Update or StatementKind.Delete) || model.IsOpaque) continue;
            if (model.Relations.Count == 0) continue;
            var sql = text.Substring(statement.Span.Start, statement.Span.Length).Trim().TrimEnd(';').Trim();
            if (sql.Length == 0) continue;
            var line = script.Text.GetLinePosition(statement.Span.Start).Line + 1;
            queries.Add(new WorkloadQuery(sql, QueryFingerprint.Of(sql), source) { Origin = origin is null ? null : $"{origin}:{line}" });
        }
        return queries;
    }
}
