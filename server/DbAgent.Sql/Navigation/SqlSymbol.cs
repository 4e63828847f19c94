using DbAgent.Sql.Completion;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Navigation;

public enum SqlSymbolKind
{
    Table,
    Column,
    /// <summary>An alias a statement gives a relation (FROM orders o).</summary>
    Alias,
    /// <summary>A common table expression of the statement.</summary>
    Cte,
}

/// <summary>
/// What a name at a position means: a stored table or column (found by the schema model), or an alias or CTE of its
/// statement (found in the statement itself). Definition, references, highlights and hovers ask this one question,
/// so they agree on what a name is.
/// </summary>
public sealed record SqlSymbol(SqlSymbolKind Kind, TextSpan Span, StatementScope Scope)
{
    public QualifiedName? Table { get; init; }
    public string? Column { get; init; }
    public ScopeRelation? Relation { get; init; }
    public CteDefinition? Cte { get; init; }

    /// <summary>The name at a position, or null when there is none or it means nothing the model knows.</summary>
    public static SqlSymbol? At(IReadOnlyList<Token> tokens, string source, SqlDialect dialect, int offset, SchemaModel? schema) =>
        At(StatementScope.At(tokens, source, dialect, offset), offset, schema);

    /// <summary>The name at a position of a document, reading only the statement there.</summary>
    public static SqlSymbol? At(IReadOnlyList<Token> tokens, SourceText text, SqlDialect dialect, int offset, SchemaModel? schema) =>
        At(StatementScope.At(tokens, text, dialect, offset), offset, schema);

    private static SqlSymbol? At(StatementScope scope, int offset, SchemaModel? schema)
    {
        var t = scope.Tokens;
        var i = -1;
        for (var k = 0; k < t.Count; k++)
            if (t[k].Start <= offset && offset <= t[k].End && scope.IsName(k)) { i = k; if (offset < t[k].End) break; }
        if (i < 0) return null;
        var span = t[i].Span;
        var group = scope.GroupAt(t[i].Start);

        if (scope.Ctes.FirstOrDefault(c => c.NameSpan == span) is { } defined)
            return new SqlSymbol(SqlSymbolKind.Cte, span, scope) { Cte = defined };
        if (scope.Relations.FirstOrDefault(r => r.AliasSpan == span) is { } aliased)
            return new SqlSymbol(SqlSymbolKind.Alias, span, scope) { Relation = aliased, Table = aliased.Kind == ScopeRelationKind.Stored ? aliased.Name : null };
        if (scope.Relations.FirstOrDefault(r => r.NameSpan.Contains(span.Start)) is { } named && named.Kind != ScopeRelationKind.Derived)
        {
            if (named.Kind == ScopeRelationKind.Cte)
                return new SqlSymbol(SqlSymbolKind.Cte, span, scope) { Cte = scope.Ctes.First(c => NameComparer.SameName(c.Name, named.Name.Name)), Relation = named };
            return new SqlSymbol(SqlSymbolKind.Table, span, scope) { Table = named.Name, Relation = named };
        }

        // q.| : a qualifier names an alias, a CTE or a table in scope
        if (i + 1 < t.Count && t[i + 1].Kind == TokenKind.Dot && !(i >= 1 && t[i - 1].Kind == TokenKind.Dot))
        {
            if (scope.Resolve(scope.Name(i), group) is { } relation)
            {
                if (relation.Alias is not null) return new SqlSymbol(SqlSymbolKind.Alias, span, scope) { Relation = relation, Table = relation.Kind == ScopeRelationKind.Stored ? relation.Name : null };
                if (relation.Kind == ScopeRelationKind.Cte)
                    return new SqlSymbol(SqlSymbolKind.Cte, span, scope) { Cte = scope.Ctes.FirstOrDefault(c => NameComparer.SameName(c.Name, relation.Name.Name)), Relation = relation };
                return new SqlSymbol(SqlSymbolKind.Table, span, scope) { Table = relation.Name, Relation = relation };
            }
            return schema?.FindTable(new QualifiedName(null, scope.Name(i))) is { } t2 ? new SqlSymbol(SqlSymbolKind.Table, span, scope) { Table = t2.Name } : null;
        }

        // q.col : a column of the relation q names
        var name = scope.Name(i);
        if (i >= 2 && t[i - 1].Kind == TokenKind.Dot && scope.IsName(i - 2))
        {
            var q = scope.Resolve(scope.Name(i - 2), group);
            var table = q is { Kind: ScopeRelationKind.Stored } ? q.Name : q is null ? new QualifiedName(null, scope.Name(i - 2)) : null;
            if (q is not null && q.Kind != ScopeRelationKind.Stored)
            {
                var column = scope.ColumnsOf(q, schema).FirstOrDefault(c => NameComparer.SameName(c.Name, name));
                return column?.Table is { } owner ? new SqlSymbol(SqlSymbolKind.Column, span, scope) { Table = owner.Name, Column = column.Name } : null;
            }
            return table is not null && schema?.FindTable(table)?.FindColumn(name) is not null
                ? new SqlSymbol(SqlSymbolKind.Column, span, scope) { Table = schema.FindTable(table)!.Name, Column = name } : null;
        }

        // a bare name: a column of a relation in scope, else a table the schema knows (CREATE INDEX ... ON t, DDL)
        foreach (var r in scope.VisibleFrom(group))
        {
            var column = scope.ColumnsOf(r, schema).FirstOrDefault(c => NameComparer.SameName(c.Name, name));
            if (column?.Table is { } owner) return new SqlSymbol(SqlSymbolKind.Column, span, scope) { Table = owner.Name, Column = column.Name };
        }
        // The column list of a table the statement creates, alters or indexes.
        if (schema is not null && TableOfDdl(scope, i) is { } ddlTable && schema.FindTable(ddlTable)?.FindColumn(name) is not null)
            return new SqlSymbol(SqlSymbolKind.Column, span, scope) { Table = schema.FindTable(ddlTable)!.Name, Column = name };
        var qualified = i >= 2 && t[i - 1].Kind == TokenKind.Dot ? new QualifiedName(scope.Name(i - 2), name) : new QualifiedName(null, name);
        if (schema?.FindTable(qualified) is { } found) return new SqlSymbol(SqlSymbolKind.Table, span, scope) { Table = found.Name };
        return null;
    }

    /// <summary>The table a DDL statement is about (CREATE TABLE t, CREATE INDEX ... ON t, ALTER TABLE t), when the token is inside it.</summary>
    private static QualifiedName? TableOfDdl(StatementScope s, int at)
    {
        for (var k = 0; k < at && k < s.Tokens.Count - 1; k++)
        {
            if ((s.Is(k, "TABLE") || (s.Is(k, "ON") && s.Tokens.Take(k).Any(x => x.Kind == TokenKind.Word) && Enumerable.Range(0, k).Any(j => s.Is(j, "INDEX")))) && s.IsName(k + 1) && k + 1 != at)
            {
                var n = k + 1;
                if (s.Is(n, "IF")) n += s.Is(n + 1, "NOT") ? 3 : 2;
                if (!s.IsName(n)) return null;
                return n + 2 < s.Tokens.Count && s.Tokens[n + 1].Kind == TokenKind.Dot && s.IsName(n + 2)
                    ? new QualifiedName(s.Name(n), s.Name(n + 2)) : new QualifiedName(null, s.Name(n));
            }
        }
        return null;
    }

    /// <summary>
    /// Where an alias or CTE is written in its statement: its definition (write) and every use (read). For a table
    /// or column, its names in the statement.
    /// </summary>
    public IReadOnlyList<(TextSpan Span, bool Definition)> OccurrencesInStatement(SchemaModel? schema)
    {
        var result = new List<(TextSpan, bool)>();
        var t = Scope.Tokens;
        switch (Kind)
        {
            case SqlSymbolKind.Alias when Relation is { AliasSpan: { } aliasSpan }:
                result.Add((aliasSpan, true));
                for (var k = 0; k < t.Count; k++)
                    if (Scope.IsName(k) && t[k].Span != aliasSpan && k + 1 < t.Count && t[k + 1].Kind == TokenKind.Dot && !(k >= 1 && t[k - 1].Kind == TokenKind.Dot)
                        && NameComparer.SameName(Scope.Name(k), Relation.Alias) && ReferenceEquals(Scope.Resolve(Scope.Name(k), Scope.GroupAt(t[k].Start)), Relation))
                        result.Add((t[k].Span, false));
                break;
            case SqlSymbolKind.Cte when Cte is not null:
                result.Add((Cte.NameSpan, true));
                foreach (var r in Scope.Relations.Where(r => r.Kind == ScopeRelationKind.Cte && NameComparer.SameName(r.Name.Name, Cte.Name)))
                    result.Add((r.NameSpan, false));
                for (var k = 0; k < t.Count; k++)
                    if (Scope.IsName(k) && k + 1 < t.Count && t[k + 1].Kind == TokenKind.Dot && NameComparer.SameName(Scope.Name(k), Cte.Name)
                        && Scope.Resolve(Cte.Name, Scope.GroupAt(t[k].Start)) is { Alias: null, Kind: ScopeRelationKind.Cte })
                        result.Add((t[k].Span, false));
                break;
            case SqlSymbolKind.Table or SqlSymbolKind.Column:
                for (var k = 0; k < t.Count; k++)
                {
                    if (!Scope.IsName(k)) continue;
                    var other = At(StatementScope.At(t, Scope.Source, Scope.Dialect, t[k].Start), t[k].Start, schema);
                    if (other is not null && other.Kind == Kind && SameTable(other.Table, Table, schema) && NameComparer.SameName(other.Column, Column))
                        result.Add((t[k].Span, false));
                }
                break;
        }
        return result.Distinct().ToList();
    }

    private static bool SameTable(QualifiedName? a, QualifiedName? b, SchemaModel? schema) =>
        a is not null && b is not null && NameComparer.SameName(a.Name, b.Name)
        && NameComparer.SameName(a.Schema ?? schema?.DefaultSchema, b.Schema ?? schema?.DefaultSchema);
}
