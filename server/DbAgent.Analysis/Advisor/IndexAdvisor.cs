using System.Text;
using DbAgent.Analysis.Semantics;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Advisor;

/// <summary>
/// Proposes B-tree indexes from a statement's predicates and ordering: equality columns first (WHERE, then join
/// columns), then one range column or the ORDER BY keys. A table an existing index already serves gets no proposal.
/// Renders each proposal as the engine's online, reversible DDL.
/// </summary>
public static class IndexAdvisor
{
    private const int MaxIdentifierLength = 63;

    /// <param name="text">The document text, to quote a function-wrapped column's expression exactly as written.</param>
    public static IReadOnlyList<IndexCandidate> Propose(StatementModel statement, SchemaModel? schema, SqlDialect dialect, string? text = null)
    {
        var result = new List<IndexCandidate>();
        try
        {
            foreach (var relation in StatementRelations.Stored(statement))
            {
                var candidate = ProposeFor(statement, relation, schema, dialect, text);
                if (candidate is null) continue;
                if (result.Any(c => NameComparer.SameObject(c.Table, candidate.Table) && SameKeys(c.IndexKeys, candidate.IndexKeys))) continue;
                result.Add(candidate);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // A model the advisor cannot read yields no proposal rather than an error in the editor.
        }
        return result;
    }

    /// <summary>The proposal for one table reference of the statement, or null when it needs none.</summary>
    public static IndexCandidate? ProposeFor(StatementModel statement, RelationReference relation, SchemaModel? schema, SqlDialect dialect, string? text = null)
    {
        var keys = new List<CandidateKey>();
        var expressionsAllowed = dialect is SqlDialect.Postgres or SqlDialect.Sqlite;

        void Add(IndexKey key, IndexKeyRole role)
        {
            if (keys.Any(k => SameKey(k.Key, key))) return;
            keys.Add(new CandidateKey(key, role));
        }

        var mine = statement.Predicates
            .Where(p => p.OrGroup is null && StatementRelations.BelongsTo(p.Column, relation, statement, schema))
            .ToList();

        // Equalities of WHERE first: they narrow the most and their order among themselves does not matter.
        foreach (var p in mine.Where(p => p.Clause == PredicateClause.Where))
        {
            if (p.Kind is PredicateKind.Equality or PredicateKind.InList or PredicateKind.IsNull)
                Add(new IndexKey(p.Column!.Name, null, false), IndexKeyRole.Equality);
            else if (p.Kind == PredicateKind.FunctionWrapped && expressionsAllowed && IsEqualityOperator(p.Operator))
                Add(new IndexKey(null, ExpressionOf(p, text), false), IndexKeyRole.Equality);
        }
        // Join columns of this table: what a nested loop looks up per outer row.
        foreach (var p in statement.Predicates.Where(p => p.Kind == PredicateKind.Join && p.OrGroup is null))
        {
            if (StatementRelations.BelongsTo(p.Column, relation, statement, schema))
                Add(new IndexKey(p.Column!.Name, null, false), IndexKeyRole.Join);
            else if (StatementRelations.BelongsTo(p.OtherColumn, relation, statement, schema))
                Add(new IndexKey(p.OtherColumn!.Name, null, false), IndexKeyRole.Join);
        }

        var range = mine.FirstOrDefault(p => p.Clause == PredicateClause.Where
            && (p.Kind is PredicateKind.Range or PredicateKind.Between or PredicateKind.LikePrefix
                || (p.Kind == PredicateKind.FunctionWrapped && expressionsAllowed && !IsEqualityOperator(p.Operator)))
            && !keys.Any(k => SameKey(k.Key, KeyOf(p, text))));

        // ORDER BY keys help only when every key is a column of this table, and after a range only when the range
        // column is the first sort key (otherwise the index cannot return rows in order).
        var order = statement.OrderBy;
        var orderUsable = order.Count > 0 && order.All(o => o.Column is not null && StatementRelations.BelongsTo(o.Column, relation, statement, schema));
        if (orderUsable && range is not null && !(range.Column is not null && NameComparer.SameName(range.Column.Name, order[0].Column!.Name) && range.Kind != PredicateKind.FunctionWrapped))
            orderUsable = false;

        if (orderUsable)
        {
            foreach (var o in order)
                Add(new IndexKey(o.Column!.Name, null, o.Descending), IndexKeyRole.Sort);
        }
        else if (range is not null)
        {
            Add(KeyOf(range, text), IndexKeyRole.Range);
        }

        if (keys.Count == 0) return null;
        var table = schema?.FindTable(relation.Name);
        var tableName = table?.Name ?? relation.Name;
        if (table is not null && IsCovered(table, keys)) return null;
        return new IndexCandidate(tableName, keys, IndexName(tableName, keys.Select(k => k.Key))) { TableSpan = relation.Span };
    }

    /// <summary>
    /// A proposal from what a plan names when the statement model says too little: the filter or join columns as
    /// equality keys, then the sort keys (<c>created_at DESC</c>). Null when there are no keys or the table's
    /// existing indexes already serve them.
    /// </summary>
    public static IndexCandidate? FromColumns(QualifiedName table, IEnumerable<string> equalityColumns, IEnumerable<string> sortKeys, SchemaModel? schema)
    {
        var keys = new List<CandidateKey>();
        foreach (var column in equalityColumns)
        {
            var key = new IndexKey(column.Trim(), null, false);
            if (key.Column!.Length > 0 && !keys.Any(k => SameKey(k.Key, key))) keys.Add(new CandidateKey(key, IndexKeyRole.Equality));
        }
        foreach (var sortKey in sortKeys)
        {
            var text = sortKey.Trim();
            var descending = text.EndsWith(" DESC", StringComparison.OrdinalIgnoreCase);
            if (descending) text = text[..^5].TrimEnd();
            else if (text.EndsWith(" ASC", StringComparison.OrdinalIgnoreCase)) text = text[..^4].TrimEnd();
            var key = new IndexKey(text, null, descending);
            if (text.Length > 0 && !keys.Any(k => SameKey(k.Key, key))) keys.Add(new CandidateKey(key, IndexKeyRole.Sort));
        }
        if (keys.Count == 0) return null;
        var model = schema?.FindTable(table);
        if (model is not null && IsCovered(model, keys)) return null;
        var name = model?.Name ?? table;
        return new IndexCandidate(name, keys, IndexName(name, keys.Select(k => k.Key)));
    }

    /// <summary>True when an existing index (or primary/unique key) starts with the candidate's keys.</summary>
    public static bool IsCovered(TableModel table, IReadOnlyList<CandidateKey> candidate)
    {
        var existing = new List<IReadOnlyList<IndexKey>>();
        existing.AddRange(table.Indexes.Where(i => string.IsNullOrEmpty(i.Predicate) && (i.Method is null || i.Method.Equals("btree", StringComparison.OrdinalIgnoreCase)))
            .Select(i => (IReadOnlyList<IndexKey>)i.Keys));
        existing.AddRange(table.Constraints.Where(c => c.Kind is Sql.Semantics.ConstraintKind.PrimaryKey or Sql.Semantics.ConstraintKind.Unique)
            .Select(c => (IReadOnlyList<IndexKey>)c.Columns.Select(col => new IndexKey(col, null, false)).ToList()));

        // Equality and join keys may come in any order; the rest must follow in order.
        var leading = candidate.TakeWhile(k => k.Role is IndexKeyRole.Equality or IndexKeyRole.Join).Select(k => Normalize(k.Key)).ToHashSet();
        var rest = candidate.Skip(leading.Count).Select(k => Normalize(k.Key)).ToList();
        foreach (var keys in existing)
        {
            if (keys.Count < candidate.Count) continue;
            var head = keys.Take(leading.Count).Select(Normalize).ToHashSet();
            if (!head.SetEquals(leading)) continue;
            if (rest.Select((k, i) => k == Normalize(keys[leading.Count + i])).All(x => x)) return true;
        }
        return false;
    }

    /// <summary>ix_&lt;table&gt;_&lt;cols&gt;, lower case, within PostgreSQL's 63-character limit (a stable hash keeps long names unique).</summary>
    public static string IndexName(QualifiedName table, IEnumerable<IndexKey> keys)
    {
        var name = "ix_" + Slug(table.Name) + "_" + string.Join("_", keys.Select(k => Slug(k.Column ?? k.Expression ?? "expr")));
        if (name.Length <= MaxIdentifierLength) return name;
        var hash = StableHash(name).ToString("x8");
        return name[..(MaxIdentifierLength - 9)].TrimEnd('_') + "_" + hash;
    }

    /// <summary>The engine's online DDL to create the index, and the statement that drops it again.</summary>
    public static IndexDdl Render(IndexCandidate candidate, SqlDialect dialect)
    {
        var table = QuoteName(candidate.Table, dialect);
        var name = Quote(candidate.Name, dialect);
        var keys = string.Join(", ", candidate.Keys.Select(k => RenderKey(k.Key, dialect)));
        switch (dialect)
        {
            case SqlDialect.Postgres:
                var qualifiedIndex = candidate.Table.Schema is null ? name : Quote(candidate.Table.Schema, dialect) + "." + name;
                return new IndexDdl(
                    $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({keys});",
                    $"DROP INDEX CONCURRENTLY IF EXISTS {qualifiedIndex};")
                {
                    Note = "CONCURRENTLY builds without blocking writes but cannot run inside a transaction block: run it on its own (in a migration without a transaction).",
                };
            case SqlDialect.MySql:
                return new IndexDdl(
                    $"ALTER TABLE {table} ADD INDEX {name} ({keys}), ALGORITHM=INPLACE, LOCK=NONE;",
                    $"ALTER TABLE {table} DROP INDEX {name}, ALGORITHM=INPLACE, LOCK=NONE;")
                {
                    Note = "ALGORITHM=INPLACE, LOCK=NONE builds online on InnoDB; the server refuses the statement rather than lock the table when it cannot.",
                };
            case SqlDialect.TSql:
                return new IndexDdl(
                    $"CREATE INDEX {name} ON {table} ({keys}) WITH (ONLINE = ON);",
                    $"DROP INDEX {name} ON {table};")
                {
                    Note = "ONLINE = ON needs Enterprise, Developer or Azure SQL; remove the option on other editions.",
                };
            default:
                return new IndexDdl(
                    $"CREATE INDEX IF NOT EXISTS {name} ON {table} ({keys});",
                    $"DROP INDEX IF EXISTS {(candidate.Table.Schema is null ? name : Quote(candidate.Table.Schema, dialect) + "." + name)};");
        }
    }

    private static string RenderKey(IndexKey key, SqlDialect dialect)
    {
        var body = key.Column is not null ? Quote(key.Column, dialect) : "(" + key.Expression + ")";
        // PostgreSQL accepts a bare function call as a key; a cast or operator needs the parentheses.
        if (key.Column is null && dialect == SqlDialect.Postgres && IsBareCall(key.Expression!)) body = key.Expression!;
        return key.Descending ? body + " DESC" : body;
    }

    private static bool IsBareCall(string expression)
    {
        var open = expression.IndexOf('(');
        return open > 0 && expression.EndsWith(')') && expression[..open].All(c => char.IsLetterOrDigit(c) || c == '_')
            && !expression.Contains("::", StringComparison.Ordinal);
    }

    private static IndexKey KeyOf(Predicate p, string? text) =>
        p.Kind == PredicateKind.FunctionWrapped ? new IndexKey(null, ExpressionOf(p, text), false) : new IndexKey(p.Column!.Name, null, false);

    /// <summary>The wrapped column as written (<c>lower(email)</c>), else rebuilt from the function and the column.</summary>
    private static string ExpressionOf(Predicate p, string? text)
    {
        var column = p.Column!.Name;
        if (text is not null && p.Span.End <= text.Length && p.Operator is { Length: > 0 } op)
        {
            var written = text.Substring(p.Span.Start, p.Span.Length);
            var at = written.IndexOf(op, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                var left = written[..at].Trim();
                if (left.Contains(column, StringComparison.OrdinalIgnoreCase) && left.Length < 200) return StripQualifier(left, p.Column.Qualifier);
            }
        }
        var function = p.Function ?? "";
        if (function.StartsWith("::", StringComparison.Ordinal)) return column + function;
        return function.Length == 0 ? column : $"{function}({column})";
    }

    private static string StripQualifier(string expression, string? qualifier) =>
        qualifier is null ? expression : expression.Replace(qualifier + ".", "", StringComparison.OrdinalIgnoreCase);

    private static bool IsEqualityOperator(string? op) => op is "=" or "==" || string.Equals(op, "IN", StringComparison.OrdinalIgnoreCase);

    private static bool SameKeys(IReadOnlyList<IndexKey> a, IReadOnlyList<IndexKey> b) =>
        a.Count == b.Count && a.Zip(b).All(p => SameKey(p.First, p.Second));

    private static bool SameKey(IndexKey a, IndexKey b) => Normalize(a) == Normalize(b);

    private static string Normalize(IndexKey key) =>
        key.Column is not null
            ? key.Column.ToLowerInvariant()
            : new string((key.Expression ?? "").Where(c => !char.IsWhiteSpace(c) && c != '"').ToArray()).ToLowerInvariant().Trim('(', ')');

    private static string Slug(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
        }
        return sb.ToString().Trim('_') is { Length: > 0 } slug ? slug : "x";
    }

    private static uint StableHash(string text)
    {
        // FNV-1a: the same name on every machine and run, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "and", "as", "asc", "by", "check", "column", "constraint", "create", "default", "desc", "distinct", "from",
        "group", "having", "in", "index", "key", "limit", "not", "null", "offset", "on", "or", "order", "primary",
        "references", "select", "table", "to", "union", "unique", "user", "where", "with",
    };

    internal static string QuoteName(QualifiedName name, SqlDialect dialect) =>
        name.Schema is null ? Quote(name.Name, dialect) : Quote(name.Schema, dialect) + "." + Quote(name.Name, dialect);

    /// <summary>Quotes an identifier only when it needs it: not a plain word, a reserved word, or (PostgreSQL) not lower case.</summary>
    internal static string Quote(string identifier, SqlDialect dialect)
    {
        var plain = identifier.Length > 0 && (char.IsAsciiLetter(identifier[0]) || identifier[0] == '_')
            && identifier.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            && !Reserved.Contains(identifier)
            && (dialect != SqlDialect.Postgres || !identifier.Any(char.IsAsciiLetterUpper));
        if (plain) return identifier;
        return dialect switch
        {
            SqlDialect.MySql => "`" + identifier.Replace("`", "``") + "`",
            SqlDialect.TSql => "[" + identifier.Replace("]", "]]") + "]",
            _ => "\"" + identifier.Replace("\"", "\"\"") + "\"",
        };
    }
}
