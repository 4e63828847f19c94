using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql;
using DbAgent.Sql.Navigation;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Navigation;

/// <summary>
/// textDocument/references: a table or column across the workspace's SQL files (open ones as edited, the rest from
/// disk), read through each statement's semantic model with the schema resolving unqualified columns; an alias or
/// CTE within its statement.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class ReferencesHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.References, UseSingleObjectParameterDeserialization = true)]
    public async Task<Location[]?> ReferencesAsync(ReferenceParams parameters, CancellationToken cancellationToken)
    {
        if (await SymbolLookup.AtAsync(context, parameters.TextDocument, parameters.Position, cancellationToken).ConfigureAwait(false) is not { Symbol: { } symbol } found)
            return null;
        var (snapshot, _, schema) = found;
        if (symbol.Kind is SqlSymbolKind.Alias or SqlSymbolKind.Cte)
            return symbol.OccurrencesInStatement(schema.Model)
                .Where(o => parameters.Context.IncludeDeclaration || !o.Definition)
                .OrderBy(o => o.Span.Start)
                .Select(o => new Location(snapshot.Uri, snapshot.Text.ToRange(o.Span))).ToArray();
        if (symbol.Table is not { } table) return null;

        var model = schema.Model;
        var locations = new List<Location>();
        foreach (var (uri, text) in context.SqlFiles.All())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var needle = symbol.Column ?? table.Name;
            if (text.Text.IndexOf(needle, StringComparison.OrdinalIgnoreCase) < 0) continue;
            var dialect = context.Configuration.For(uri).Dialect ?? model?.Dialect ?? snapshot.Dialect;
            var script = uri == snapshot.Uri ? snapshot.Script : SqlScript.Parse(text, dialect, model);
            foreach (var statement in script.Statements)
                foreach (var span in Find(statement.Model, text.Text, table, symbol.Column, model, parameters.Context.IncludeDeclaration))
                    locations.Add(new Location(uri, text.ToRange(span)));
        }
        return locations.Distinct().ToArray();
    }

    private static IEnumerable<TextSpan> Find(StatementModel statement, string text, QualifiedName table, string? column, SchemaModel? schema, bool declarations)
    {
        bool Same(QualifiedName n) => NameComparer.SameName(n.Name, table.Name)
            && NameComparer.SameName(n.Schema ?? schema?.DefaultSchema, table.Schema ?? schema?.DefaultSchema);
        if (column is null)
        {
            foreach (var r in statement.Relations)
                if (!r.IsCommonTableExpression && Same(r.Name) && (declarations || r.Role != RelationRole.Created))
                    yield return NameEnd(text, r.Span, r.Name.Name);
            yield break;
        }
        var sole = statement.Relations.Where(r => !r.IsCommonTableExpression).ToList();
        foreach (var c in statement.Columns)
        {
            if (!NameComparer.SameName(c.Name, column)) continue;
            var owner = c.Relation ?? (sole.Count == 1 ? sole[0] : null);
            if (owner is not null && !owner.IsCommonTableExpression && Same(owner.Name)) yield return NameEnd(text, c.Span, c.Name);
        }
        if (!declarations) yield break;
        foreach (var action in statement.Ddl)
        {
            var (target, definition) = action switch
            {
                CreateTableAction a => (a.Table, a.Columns.FirstOrDefault(d => NameComparer.SameName(d.Name, column))),
                AddColumnAction a => (a.Table, NameComparer.SameName(a.Column.Name, column) ? a.Column : null),
                _ => (null, null),
            };
            if (target is not null && definition is not null && Same(target)) yield return NameStart(text, definition.Span, definition.Name);
        }
    }

    /// <summary>The name itself at the end of a qualified reference (o.total → total), when the text says so.</summary>
    private static TextSpan NameEnd(string text, TextSpan span, string name)
    {
        if (span.End <= text.Length && span.Length >= name.Length && text.AsSpan(span.End - name.Length, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase))
            return TextSpan.FromBounds(span.End - name.Length, span.End);
        return span;
    }

    private static TextSpan NameStart(string text, TextSpan span, string name)
    {
        var at = text.IndexOf(name, span.Start, Math.Min(span.Length, text.Length - span.Start), StringComparison.OrdinalIgnoreCase);
        return at >= 0 ? new TextSpan(at, name.Length) : span;
    }
}
