using System.Text;
using DbAgent.Analysis.Semantics;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Advisor;

/// <summary>
/// The one index advisor, for quick fixes, plan findings and the chat. From a statement's predicates and ordering it
/// proposes B-tree indexes: equality keys first (they narrow to one key range, in any order), then one range column
/// (a B-tree range-scans only on the first non-equality key) or the ORDER BY keys when the index can return rows
/// already sorted. Join keys follow the equalities when they do not break a range or a sort. IS [NOT] NULL filters
/// become a partial (filtered) index, function-wrapped columns expression keys where the engine has them. What no
/// B-tree serves (infix LIKE, OR across columns) becomes a hint. An existing index that already serves the statement
/// is named instead. Renders each proposal as the engine's online, reversible DDL.
/// </summary>
public static class IndexAdvisor
{
    private const int MaxIdentifierLength = 63;

    /// <summary>Everything for the chat: candidates (those an existing index covers name it) and hints.</summary>
    /// <param name="text">The document text, to key an expression index on the expression exactly as written.</param>
    public static IndexAdvice Advise(StatementModel statement, SqlDialect dialect, SchemaModel? schema = null, string? text = null)
    {
        var candidates = new List<IndexCandidate>();
        var hints = new List<IndexHint>();
        try
        {
            if (!Advisable(statement)) return IndexAdvice.None;
            var usableOrGroups = UsableOrGroups(statement, dialect, hints);
            foreach (var relation in StatementRelations.Stored(statement))
            {
                var candidate = Build(statement, relation, schema, dialect, text, usableOrGroups, hints);
                if (candidate is null) continue;
                if (candidates.Any(c => NameComparer.SameObject(c.Table, candidate.Table) && SameKeys(c.IndexKeys, candidate.IndexKeys) && c.Predicate == candidate.Predicate)) continue;
                candidates.Add(candidate);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // A model the advisor cannot read yields no advice rather than an error in the editor or the chat.
            return IndexAdvice.None;
        }
        return new IndexAdvice(candidates, hints.DistinctBy(h => h.Text).ToList());
    }

    /// <summary>The indexes to build for a statement: the advice without what existing indexes already serve.</summary>
    public static IReadOnlyList<IndexCandidate> Propose(StatementModel statement, SchemaModel? schema, SqlDialect dialect, string? text = null) =>
        Advise(statement, dialect, schema, text).Candidates.Where(c => c.CoveredBy is null).ToList();

    /// <summary>The index to build for one table reference of the statement, or null when it needs none.</summary>
    public static IndexCandidate? ProposeFor(StatementModel statement, RelationReference relation, SchemaModel? schema, SqlDialect dialect, string? text = null)
    {
        if (!Advisable(statement)) return null;
        var candidate = Build(statement, relation, schema, dialect, text, UsableOrGroups(statement, dialect, []), []);
        return candidate is { CoveredBy: null } ? candidate : null;
    }

    private static bool Advisable(StatementModel statement) =>
        statement.Kind is StatementKind.Select or StatementKind.Update or StatementKind.Delete or StatementKind.Merge or StatementKind.Insert;

    /// <summary>
    /// OR groups an index can still serve: alternatives on one column (<c>status = 'a' OR status = 'b'</c> is an IN
    /// list). An OR across columns gets a hint; its predicates stay out of the keys.
    /// </summary>
    private static HashSet<int> UsableOrGroups(StatementModel statement, SqlDialect dialect, List<IndexHint> hints)
    {
        var usable = new HashSet<int>();
        foreach (var group in statement.Predicates.Where(p => p.OrGroup is not null).GroupBy(p => p.OrGroup!.Value))
        {
            var columns = group.Where(p => p.Column is not null).Select(p => p.Column!.Name).Distinct(NameComparer.Instance).ToList();
            var owners = group.Select(p => p.Column?.Relation?.Alias ?? p.Column?.Relation?.Name.Name ?? p.Column?.Qualifier).Distinct(NameComparer.Instance).Count();
            if (columns.Count == 1 && owners == 1 && group.All(p => p.Column is not null
                    && p.Kind is PredicateKind.Equality or PredicateKind.InList or PredicateKind.Range or PredicateKind.Between or PredicateKind.LikePrefix))
                usable.Add(group.Key);
            else if (columns.Count >= 2)
                hints.Add(IndexHints.OrAcrossColumns(columns, dialect));
        }
        return usable;
    }

    private static IndexCandidate? Build(StatementModel statement, RelationReference relation, SchemaModel? schema, SqlDialect dialect, string? text,
        HashSet<int> usableOrGroups, List<IndexHint> hints)
    {
        var expressionsAllowed = dialect is SqlDialect.Postgres or SqlDialect.Sqlite;
        var keys = new List<CandidateKey>();
        var reasons = new List<string>();
        var partial = new List<(string Column, bool IsNull)>();
        bool HasKey(IndexKey key) => keys.Any(k => SameKey(k.Key, key));
        bool HasColumn(string column) => HasKey(new IndexKey(column, null, false));

        var mine = statement.Predicates
            .Where(p => p.Clause != PredicateClause.Having && p.Kind != PredicateKind.Join
                && (p.OrGroup is null || usableOrGroups.Contains(p.OrGroup.Value))
                && StatementRelations.BelongsTo(p.Column, relation, statement, schema))
            .ToList();

        foreach (var p in mine)
        {
            var column = p.Column!.Name;
            switch (p.Kind)
            {
                case PredicateKind.Equality or PredicateKind.InList when !HasColumn(column):
                    keys.Add(new CandidateKey(new IndexKey(column, null, false), IndexKeyRole.Equality));
                    reasons.Add(p.OrGroup is not null ? $"`{column}` is matched against alternatives joined by OR: like an IN list, a few equality lookups"
                        : p.Kind == PredicateKind.InList ? $"`{column}` is matched against an IN list: a few equality lookups"
                        : $"`{column}` is compared with `=`: equality keys go first");
                    break;
                case PredicateKind.IsNull or PredicateKind.IsNotNull when dialect != SqlDialect.MySql:
                    if (partial.Any(x => NameComparer.SameName(x.Column, column))) break;
                    partial.Add((column, p.Kind == PredicateKind.IsNull));
                    reasons.Add($"`{column} IS {(p.Kind == PredicateKind.IsNull ? "" : "NOT ")}NULL` becomes the index's WHERE: a {(dialect == SqlDialect.TSql ? "filtered" : "partial")} index holds only the rows the query wants");
                    break;
                case PredicateKind.IsNull when !HasColumn(column):
                    keys.Add(new CandidateKey(new IndexKey(column, null, false), IndexKeyRole.Equality));
                    reasons.Add($"`{column} IS NULL` can use an index key lookup in MySQL (it has no partial indexes)");
                    break;
                case PredicateKind.FunctionWrapped when !IsNullTest(p.Operator):
                    var expression = ExpressionOf(p, text);
                    if (expression is null) break;
                    if (!expressionsAllowed) hints.Add(IndexHints.ExpressionKey(relation.Name, column, expression, dialect));
                    else if (IsEqualityOperator(p.Operator) && !HasKey(new IndexKey(null, expression, false)))
                    {
                        keys.Add(new CandidateKey(new IndexKey(null, expression, false), IndexKeyRole.Equality));
                        reasons.Add($"`{column}` is wrapped in `{p.Function}`: a plain index on `{column}` cannot be used, an expression index on `{expression}` can; better still, rewrite the predicate to compare the bare column");
                    }
                    break;
                case PredicateKind.LikeInfix:
                    hints.Add(IndexHints.InfixLike(relation.Name, column, dialect));
                    break;
            }
        }

        // Join columns of this table: what a nested loop looks up per outer row, when this table is the inner side.
        var joinColumns = new List<string>();
        foreach (var p in statement.Predicates.Where(p => p.Kind == PredicateKind.Join && p.OrGroup is null && p.Clause != PredicateClause.Having))
        {
            var column = StatementRelations.BelongsTo(p.Column, relation, statement, schema) ? p.Column!.Name
                : StatementRelations.BelongsTo(p.OtherColumn, relation, statement, schema) ? p.OtherColumn!.Name : null;
            if (column is not null && !joinColumns.Contains(column, NameComparer.Instance)) joinColumns.Add(column);
        }

        // Only one range column can bound the scan; the ORDER BY keys help only when no other range precedes them.
        var ranges = mine.Where(p => p.Kind is PredicateKind.Range or PredicateKind.Between or PredicateKind.LikePrefix
            || (p.Kind == PredicateKind.FunctionWrapped && expressionsAllowed && !IsEqualityOperator(p.Operator) && !IsNullTest(p.Operator) && ExpressionOf(p, text) is not null)).ToList();
        var order = OrderKeys(statement, relation, schema);
        var firstOrder = order.FirstOrDefault(o => !HasColumn(o.Column!.Name));
        var range = ranges.FirstOrDefault(r => firstOrder is not null && r.Kind != PredicateKind.FunctionWrapped && NameComparer.SameName(r.Column!.Name, firstOrder.Column!.Name))
            ?? ranges.FirstOrDefault(r => !HasKey(KeyOf(r, text)));
        var rangeKey = range is null ? null : KeyOf(range, text);
        if (range is not null && !HasKey(rangeKey!))
        {
            var matchingOrder = range.Kind == PredicateKind.FunctionWrapped ? null : order.FirstOrDefault(o => NameComparer.SameName(o.Column!.Name, range.Column!.Name));
            keys.Add(new CandidateKey(rangeKey! with { Descending = matchingOrder?.Descending ?? false }, IndexKeyRole.Range));
            var shown = rangeKey!.Column ?? rangeKey.Expression;
            reasons.Add(range.Kind == PredicateKind.LikePrefix
                ? $"`{shown} LIKE 'prefix%'` is a range scan on the index" + (dialect == SqlDialect.Postgres ? " (with a non-C collation, declare the key with `text_pattern_ops`)" : "")
                : $"`{shown}` is bounded by a range: it comes after the equality keys");
            foreach (var other in ranges.Select(r => KeyOf(r, text)).Where(k => !SameKey(k, rangeKey)).Select(k => k.Column ?? k.Expression).Distinct(NameComparer.Instance))
                reasons.Add($"`{other}` is also bounded by a range; an index can range-scan only one column, so it is filtered after the scan");
        }

        var orderUsable = order.Count > 0 && (range is null || firstOrder is null
            || (range.Kind != PredicateKind.FunctionWrapped && NameComparer.SameName(range.Column!.Name, firstOrder.Column!.Name)));
        if (orderUsable)
        {
            foreach (var o in order)
            {
                if (HasColumn(o.Column!.Name)) continue;
                keys.Add(new CandidateKey(new IndexKey(o.Column.Name, null, o.Descending), IndexKeyRole.Sort));
                reasons.Add($"`{o.Column.Name}` is the ORDER BY: after the equality keys, the index returns rows already sorted, so no sort step");
            }
            if (keys.Any(k => k.Role is IndexKeyRole.Range or IndexKeyRole.Sort))
                reasons.Add(statement.Limit is not null
                    ? "with the LIMIT, the engine can stop after the first rows it reads from the index"
                    : "rows come out in index order, so the sort disappears from the plan");
        }
        else if (order.Count > 0 && rangeKey is not null)
        {
            reasons.Add($"the ORDER BY is on another column than the range on `{rangeKey.Column ?? rangeKey.Expression}`, so the sort stays (an index cannot serve both)");
        }

        // Join keys after the equalities serve this table as the inner side of a nested loop. Before a range or a sort
        // key they would break it for the table read on its own, so then they are only mentioned.
        var joins = joinColumns.Where(j => !HasColumn(j)).ToList();
        if (joins.Count > 0 && !keys.Any(k => k.Role is IndexKeyRole.Range or IndexKeyRole.Sort))
        {
            foreach (var j in joins)
            {
                keys.Add(new CandidateKey(new IndexKey(j, null, false), IndexKeyRole.Join));
                reasons.Add($"`{j}` is a join key: when `{relation.Name.Name}` is the inner side of a nested loop, each outer row becomes an index lookup");
            }
        }
        else if (joins.Count > 0)
        {
            reasons.Add($"`{string.Join("`, `", joins)}` joins `{relation.Name.Name}` to another table: if `{relation.Name.Name}` is the inner side of a nested loop, an index leading with {(joins.Count == 1 ? "it" : "them")} (then the equality keys) serves the join instead");
        }

        var table = schema?.FindTable(relation.Name);
        // Without a schema, a lone join key named `id` is taken for the primary key: it is indexed already.
        if (table is null && partial.Count == 0 && keys.Count == 1 && keys[0].Role == IndexKeyRole.Join && NameComparer.SameName(keys[0].Key.Column, "id"))
        {
            hints.Add(IndexHints.PrimaryKeyJoin(relation.Name));
            return null;
        }
        // An IS NULL filter alone: the partial index is keyed on that column and holds only the rows the query wants.
        if (keys.Count == 0 && partial.FirstOrDefault(x => x.IsNull) is { Column: not null } lone)
            keys.Add(new CandidateKey(new IndexKey(lone.Column, null, false), IndexKeyRole.Equality));
        if (keys.Count == 0) return null;

        // One direction is served by a backward scan, so the keys stay ascending; mixed directions must be declared.
        if (keys.Where(k => k.Role is IndexKeyRole.Range or IndexKeyRole.Sort).Select(k => k.Key.Descending).Distinct().Count() > 1)
            reasons.Add("the ORDER BY mixes ASC and DESC, so the index declares each direction");
        else
            keys = keys.Select(k => k with { Key = k.Key with { Descending = false } }).ToList();

        // The schema's spelling of the table, qualified only as the statement qualifies it: the index then lands on the
        // table the query resolves to (search_path, SQLite's main), and SQLite's DDL needs no schema on the table.
        var tableName = table is null ? relation.Name : new QualifiedName(relation.Name.Schema is null ? null : table.Name.Schema, table.Name.Name);
        var predicate = partial.Count == 0 ? null
            : string.Join(" AND ", partial.Select(x => $"{SqlIdentifiers.Quote(x.Column, dialect)} IS {(x.IsNull ? "" : "NOT ")}NULL"));
        return new IndexCandidate(tableName, keys, IndexName(tableName, keys.Select(k => k.Key), predicate))
        {
            TableSpan = relation.Span,
            Predicate = predicate,
            Reasons = reasons,
            CoveredBy = table is null ? null : CoveringIndex(table, keys, predicate),
        };
    }

    /// <summary>The ORDER BY items when every one is a column of this relation (else an index on it cannot serve the sort).</summary>
    private static IReadOnlyList<OrderItem> OrderKeys(StatementModel statement, RelationReference relation, SchemaModel? schema) =>
        statement.OrderBy.Count > 0 && statement.OrderBy.All(o => o.Column is not null && StatementRelations.BelongsTo(o.Column, relation, statement, schema))
            ? statement.OrderBy
            : [];

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
        // As in Advise: a single direction is served by a backward scan.
        if (keys.Where(k => k.Role == IndexKeyRole.Sort).Select(k => k.Key.Descending).Distinct().Count() <= 1)
            keys = keys.Select(k => k with { Key = k.Key with { Descending = false } }).ToList();
        var model = schema?.FindTable(table);
        if (model is not null && CoveringIndex(model, keys, null) is not null) return null;
        var name = model?.Name ?? table;
        return new IndexCandidate(name, keys, IndexName(name, keys.Select(k => k.Key)));
    }

    /// <summary>
    /// The name of an existing B-tree index (or primary/unique key) that serves the candidate: equality and join keys
    /// lead in any order, the rest follow in order (all in the same or all in the reverse direction, which a backward
    /// scan serves). A partial index serves only the same predicate; a full one serves any.
    /// </summary>
    public static string? CoveringIndex(TableModel table, IReadOnlyList<CandidateKey> candidate, string? predicate)
    {
        foreach (var index in table.Indexes)
        {
            if (index.Method is not null && !index.Method.Equals("btree", StringComparison.OrdinalIgnoreCase)) continue;
            if (!string.IsNullOrEmpty(index.Predicate) && (predicate is null || NormalizeText(index.Predicate) != NormalizeText(predicate))) continue;
            if (Serves(index.Keys, candidate)) return index.Name;
        }
        foreach (var constraint in table.Constraints.Where(c => c.Kind is ConstraintKind.PrimaryKey or ConstraintKind.Unique))
        {
            if (Serves(constraint.Columns.Select(c => new IndexKey(c, null, false)).ToList(), candidate))
                return constraint.Name ?? (constraint.Kind == ConstraintKind.PrimaryKey ? "the primary key" : "a unique constraint");
        }
        return null;
    }

    private static bool Serves(IReadOnlyList<IndexKey> existing, IReadOnlyList<CandidateKey> candidate)
    {
        if (existing.Count < candidate.Count) return false;
        var leading = candidate.TakeWhile(k => k.Role is IndexKeyRole.Equality or IndexKeyRole.Join).Select(k => Normalize(k.Key)).ToHashSet();
        if (!existing.Take(leading.Count).Select(Normalize).ToHashSet().SetEquals(leading)) return false;
        bool? reversed = null;
        for (var i = leading.Count; i < candidate.Count; i++)
        {
            if (Normalize(existing[i]) != Normalize(candidate[i].Key)) return false;
            var flip = existing[i].Descending != candidate[i].Key.Descending;
            if (reversed is { } r && r != flip) return false;
            reversed = flip;
        }
        return true;
    }

    /// <summary>
    /// ix_&lt;table&gt;_&lt;cols&gt;, lower case, within PostgreSQL's 63-character limit (a stable hash keeps long names unique).
    /// The name is unique per definition: a descending key says so (<c>_desc</c>), and a partial index or one with INCLUDE
    /// columns carries a hash of its WHERE and INCLUDE, so that two different proposals on the same keys never share a
    /// name (with IF NOT EXISTS, the second would silently never be built).
    /// </summary>
    public static string IndexName(QualifiedName table, IEnumerable<IndexKey> keys, string? predicate = null, IReadOnlyList<string>? include = null)
    {
        var name = "ix_" + Slug(table.Name) + "_" + string.Join("_", keys.Select(k => Slug(k.Column ?? k.Expression ?? "expr") + (k.Descending ? "_desc" : "")));
        var extra = (predicate is { Length: > 0 } ? "where:" + NormalizeText(predicate) : "")
            + (include is { Count: > 0 } ? "include:" + string.Join(",", include.Select(c => c.ToLowerInvariant())) : "");
        var suffix = extra.Length == 0 ? "" : (predicate is { Length: > 0 } ? "_part_" : "_incl_") + StableHash(extra).ToString("x8");
        if (name.Length + suffix.Length <= MaxIdentifierLength) return name + suffix;
        var hash = StableHash(name).ToString("x8");
        return name[..(MaxIdentifierLength - 9 - suffix.Length)].TrimEnd('_') + "_" + hash + suffix;
    }

    /// <summary>The engine's online DDL to create the index, and the statement that drops it again.</summary>
    public static IndexDdl Render(IndexCandidate candidate, SqlDialect dialect)
    {
        var table = SqlIdentifiers.Quote(candidate.Table, dialect);
        var name = SqlIdentifiers.Quote(candidate.Name, dialect);
        var keys = string.Join(", ", candidate.Keys.Select(k => RenderKey(k.Key, dialect)));
        var where = candidate.Predicate is null ? "" : " WHERE " + candidate.Predicate;
        // INCLUDE columns ride in the leaf pages for index-only scans (PostgreSQL 11+, SQL Server); engines without
        // INCLUDE get covering columns as trailing keys when the candidate is built, never here.
        var include = candidate.Include.Count > 0 && dialect is SqlDialect.Postgres or SqlDialect.TSql
            ? " INCLUDE (" + string.Join(", ", candidate.Include.Select(c => SqlIdentifiers.Quote(c, dialect))) + ")" : "";
        var qualifiedIndex = candidate.Table.Schema is null ? name : SqlIdentifiers.Quote(candidate.Table.Schema, dialect) + "." + name;
        switch (dialect)
        {
            case SqlDialect.Postgres:
                return new IndexDdl(
                    $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({keys}){include}{where};",
                    $"DROP INDEX CONCURRENTLY IF EXISTS {qualifiedIndex};")
                {
                    Note = "CONCURRENTLY builds without blocking writes but cannot run inside a transaction block: run it on its own (in a migration without a transaction).",
                };
            case SqlDialect.MySql:
                return new IndexDdl(
                    $"ALTER TABLE {table} ADD INDEX {name} ({keys}), ALGORITHM=INPLACE, LOCK=NONE;",
                    $"ALTER TABLE {table} DROP INDEX {name}, ALGORITHM=INPLACE, LOCK=NONE;")
                {
                    Note = "ALGORITHM=INPLACE, LOCK=NONE builds online on InnoDB; the server refuses the statement rather than lock the table when it cannot." +
                        (candidate.Predicate is null ? "" : $" MySQL has no partial indexes: this one covers every row, not only `{candidate.Predicate}`."),
                };
            case SqlDialect.TSql:
                return new IndexDdl(
                    $"CREATE NONCLUSTERED INDEX {name} ON {table} ({keys}){include}{where} WITH (ONLINE = ON);",
                    $"DROP INDEX {name} ON {table};")
                {
                    Note = "ONLINE = ON needs Enterprise, Developer or Azure SQL; remove the option on other editions.",
                };
            default:
                // SQLite names the schema on the index, never on the table: CREATE INDEX main.ix ON orders (...).
                return new IndexDdl(
                    $"CREATE INDEX IF NOT EXISTS {qualifiedIndex} ON {SqlIdentifiers.Quote(candidate.Table.Name, dialect)} ({keys}){where};",
                    $"DROP INDEX IF EXISTS {qualifiedIndex};");
        }
    }

    private static string RenderKey(IndexKey key, SqlDialect dialect)
    {
        var body = key.Column is not null ? SqlIdentifiers.Quote(key.Column, dialect) : "(" + key.Expression + ")";
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
        p.Kind == PredicateKind.FunctionWrapped && ExpressionOf(p, text) is { } expression
            ? new IndexKey(null, expression, false)
            : new IndexKey(p.Column!.Name, null, false);

    /// <summary>
    /// The wrapped column as written (<c>lower(o.email)</c> becomes <c>lower(email)</c>), else rebuilt from the function
    /// and the column; null when it cannot be written as a key (a CAST the text does not show).
    /// </summary>
    private static string? ExpressionOf(Predicate p, string? text)
    {
        var column = p.Column!.Name;
        if (text is not null && p.Span.End <= text.Length && p.Operator is { Length: > 0 } op)
        {
            var written = text.Substring(p.Span.Start, p.Span.Length);
            var at = written.IndexOf(op, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                var left = written[..at].Trim();
                if (left.Contains(column, StringComparison.OrdinalIgnoreCase) && left.Length < 200 && !left.Contains('\n'))
                    return p.Column.Qualifier is { } q ? left.Replace(q + ".", "", StringComparison.OrdinalIgnoreCase) : left;
            }
        }
        var function = p.Function ?? "";
        if (function.StartsWith("::", StringComparison.Ordinal)) return column + function;
        if (function.Length == 0) return column;
        return function.All(c => char.IsLetterOrDigit(c) || c == '_') && !function.Equals("CAST", StringComparison.OrdinalIgnoreCase) ? $"{function}({column})" : null;
    }

    private static bool IsEqualityOperator(string? op) => op is "=" or "==" || string.Equals(op, "IN", StringComparison.OrdinalIgnoreCase);

    private static bool IsNullTest(string? op) => op is not null && op.StartsWith("IS ", StringComparison.OrdinalIgnoreCase);

    internal static bool SameKeys(IReadOnlyList<IndexKey> a, IReadOnlyList<IndexKey> b) =>
        a.Count == b.Count && a.Zip(b).All(p => SameKey(p.First, p.Second));

    private static bool SameKey(IndexKey a, IndexKey b) => Normalize(a) == Normalize(b);

    internal static string Normalize(IndexKey key) =>
        key.Column is not null ? key.Column.ToLowerInvariant() : NormalizeText(key.Expression ?? "").Trim('(', ')');

    internal static string NormalizeText(string text) =>
        new string(text.Where(c => !char.IsWhiteSpace(c) && c is not ('"' or '`' or '[' or ']')).ToArray()).ToLowerInvariant();

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
}
