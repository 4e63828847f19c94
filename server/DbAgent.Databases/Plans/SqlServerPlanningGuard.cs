using DbAgent.Sql;

namespace DbAgent.Databases.Plans;

/// <summary>A user-defined scalar function of a SQL Server database: <c>FN</c> (T-SQL) or <c>FS</c> (CLR).</summary>
public sealed record SqlServerFunction(string Schema, string Name, string Type)
{
    public bool IsClr => Type == "FS";
}

/// <summary>One row of <c>sys.sql_expression_dependencies</c> for a view: the view and an object its text names.</summary>
public sealed record SqlServerViewReference(string ViewSchema, string View, string? ReferencedSchema, string Referenced);

/// <summary>
/// Which user scalar functions a statement reaches, from the catalog, before SQL Server compiles it under
/// SHOWPLAN_XML. SQL Server folds deterministic CLR scalar functions with constant arguments while it compiles (so
/// their code runs, showplan or not), and since 2019 inlines T-SQL scalar functions into the plan; a function's
/// declared determinism is the author's claim, as PostgreSQL's volatility is. So a statement that calls a user
/// scalar function, directly or through the views it names (views of views included), is not explained. Pure: the
/// session reads the two catalog lists and asks here.
/// </summary>
public static class SqlServerPlanningGuard
{
    public const string FunctionsQuery =
        "SELECT SCHEMA_NAME(o.schema_id), o.name, RTRIM(o.type) FROM sys.objects o WHERE o.type IN ('FN', 'FS') AND o.is_ms_shipped = 0";

    public const string ViewReferencesQuery =
        "SELECT OBJECT_SCHEMA_NAME(d.referencing_id), OBJECT_NAME(d.referencing_id), d.referenced_schema_name, d.referenced_entity_name " +
        "FROM sys.sql_expression_dependencies d JOIN sys.views v ON v.object_id = d.referencing_id WHERE d.referenced_entity_name IS NOT NULL";

    /// <summary>The user scalar functions the statement calls or reaches through the views it names; empty when none.</summary>
    public static IReadOnlyList<SqlServerFunction> Reached(string sql, IReadOnlyList<SqlServerFunction> functions, IReadOnlyList<SqlServerViewReference> views)
    {
        if (functions.Count == 0) return [];
        var names = PlanningCodeGuard.Names(sql, SqlDialect.TSql);
        var called = names.Called.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reached = functions.Where(f => called.Contains(f.Name)).ToList();

        // Views the statement names, and the views they name, to a fixed point: what each reads is looked up once.
        var byView = views.ToLookup(v => v.View, StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<string>(names.Words.Where(w => byView.Contains(w)));
        var seen = new HashSet<string>(pending, StringComparer.OrdinalIgnoreCase);
        while (pending.Count > 0)
        {
            foreach (var reference in byView[pending.Dequeue()])
            {
                reached.AddRange(functions.Where(f => string.Equals(f.Name, reference.Referenced, StringComparison.OrdinalIgnoreCase)
                    && (reference.ReferencedSchema is null || string.Equals(f.Schema, reference.ReferencedSchema, StringComparison.OrdinalIgnoreCase))));
                if (byView.Contains(reference.Referenced) && seen.Add(reference.Referenced)) pending.Enqueue(reference.Referenced);
            }
        }
        return reached.Distinct().OrderBy(f => f.Schema, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The refusal's message: the functions, and why SQL Server would reach their code while it compiles.</summary>
    public static string Describe(IReadOnlyList<SqlServerFunction> reached) =>
        PlanningCodeGuard.Describe(
            reached.Select(f => $"{f.Schema}.{f.Name} ({(f.IsClr ? "CLR" : "T-SQL")} scalar function)").ToList(),
            "SQL Server folds while it compiles when it is a deterministic CLR function with constant arguments (SHOWPLAN_XML included), " +
            "or inlines into the plan (T-SQL scalar functions, SQL Server 2019 and later); its declared determinism is its author's claim.");
}
