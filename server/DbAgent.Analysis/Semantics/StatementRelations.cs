using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Semantics;

/// <summary>Which relation of a statement a column, a predicate or a plan node belongs to.</summary>
internal static class StatementRelations
{
    /// <summary>The stored relations (no CTEs) a statement reads or writes, in the order written.</summary>
    public static IReadOnlyList<RelationReference> Stored(StatementModel statement) =>
        statement.Relations.Where(r => !r.IsCommonTableExpression && r.Role is RelationRole.Read or RelationRole.Written).ToList();

    public static bool BelongsTo(ColumnReference? column, RelationReference relation, StatementModel statement, SchemaModel? schema)
    {
        if (column is null) return false;
        if (column.Relation is { } resolved)
            return resolved == relation || (NameComparer.SameObject(resolved.Name, relation.Name) && NameComparer.SameName(resolved.Alias, relation.Alias));
        if (column.Qualifier is { } qualifier)
        {
            var last = qualifier.Contains('.') ? qualifier[(qualifier.LastIndexOf('.') + 1)..] : qualifier;
            return relation.Alias is not null ? NameComparer.SameName(last, relation.Alias) : NameComparer.SameName(last, relation.Name.Name);
        }
        var stored = Stored(statement);
        if (stored.Count == 1) return stored[0] == relation;
        if (schema is null) return false;
        // Unqualified in a join: the column belongs to the one relation whose table has it.
        var owners = stored.Where(r => schema.FindTable(r.Name)?.FindColumn(column.Name) is not null).ToList();
        return owners.Count == 1 && owners[0] == relation;
    }

    /// <summary>The reference a plan node reads: by alias first, then by name (schema-aware).</summary>
    public static RelationReference? Match(StatementModel statement, string? relationName, string? schemaName, string? alias)
    {
        var stored = Stored(statement);
        if (alias is not null)
        {
            var byAlias = stored.Where(r => NameComparer.SameName(r.Alias ?? r.Name.Name, alias)).ToList();
            if (byAlias.Count >= 1 && (relationName is null || byAlias.Any(r => NameComparer.SameName(r.Name.Name, relationName))))
                return byAlias.FirstOrDefault(r => relationName is null || NameComparer.SameName(r.Name.Name, relationName));
        }
        if (relationName is null) return null;
        var wanted = new QualifiedName(schemaName, relationName);
        return stored.FirstOrDefault(r => NameComparer.SameObject(r.Name, wanted));
    }
}
