using System.Text;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Tools;

/// <summary>Why a key is in a candidate index, which also fixes its place in the key order.</summary>
public enum IndexKeyRole
{
    Equality,
    Range,
    Order,
    Join,
}

public sealed record IndexCandidateKey(string Column, IndexKeyRole Role, bool Descending)
{
    /// <summary>An expression key (lower(email)) instead of a plain column.</summary>
    public string? Expression { get; init; }
}

/// <summary>An index the statement would use, with the engine's online DDL to build it.</summary>
public sealed record IndexCandidate(QualifiedName Table, IReadOnlyList<IndexCandidateKey> Keys, string Name, string Ddl)
{
    /// <summary>The WHERE of a partial (filtered) index, when the statement always filters on it.</summary>
    public string? Predicate { get; init; }
    public IReadOnlyList<string> Reasons { get; init; } = [];
    /// <summary>An existing index of the schema model whose leading keys already serve the statement.</summary>
    public string? CoveredBy { get; init; }
    public string KeyList => string.Join(", ", Keys.Select(k => k.Expression ?? k.Column));
}

/// <summary>Advice that is not a plain B-tree index: trigram/full-text for infix LIKE, OR rewrites, sargable rewrites.</summary>
public sealed record IndexHint(QualifiedName? Table, string Text);

public sealed record IndexAdvice(IReadOnlyList<IndexCandidate> Candidates, IReadOnlyList<IndexHint> Hints);

/// <summary>
/// Proposes indexes from a statement's predicates: equality columns first (they narrow to one key range), then one
/// range column (a B-tree can only range-scan on the first non-equality key), then ORDER BY columns when the index
/// can return rows already sorted. Function-wrapped columns become expression keys, IS [NOT] NULL filters become
/// partial indexes, infix LIKE gets a trigram/full-text hint. DDL is the engine's online form.
/// </summary>
public static class IndexAdvisor
{
    /// <param name="text">The document text, to key an expression index on the expression exactly as written.</param>
    public static IndexAdvice Advise(StatementModel statement, SqlDialect dialect, SchemaModel? schema = null, string? text = null)
    {
        var candidates = new List<IndexCandidate>();
        var hints = new List<IndexHint>();
        if (statement.Kind is not (StatementKind.Select or StatementKind.Update or StatementKind.Delete or StatementKind.Merge or StatementKind.Insert))
            return new IndexAdvice(candidates, hints);

        var stored = statement.Relations.Where(r => !r.IsCommonTableExpression).ToList();
        var byTable = new Dictionary<QualifiedName, List<(Predicate Predicate, ColumnReference Column)>>(QualifiedNameEquality.Instance);
        foreach (var predicate in statement.Predicates)
        {
            if (predicate.Clause == PredicateClause.Having) continue;
            if (predicate.Column is { } column && Resolve(column, stored) is { } relation)
                Add(byTable, relation.Name, predicate, column);
            if (predicate.Kind == PredicateKind.Join && predicate.OtherColumn is { } other && Resolve(other, stored) is { } otherRelation)
                Add(byTable, otherRelation.Name, predicate, other);
        }

        // OR across different columns cannot use one composite index: say so, and keep those predicates out of the keys.
        var orGroups = statement.Predicates.Where(p => p.OrGroup is not null && p.Column is not null).GroupBy(p => p.OrGroup!.Value);
        var splitOrGroups = new HashSet<int>();
        foreach (var group in orGroups)
        {
            var columns = group.Select(p => p.Column!.Name).Distinct(NameComparer.Instance).ToList();
            if (columns.Count < 2) continue;
            splitOrGroups.Add(group.Key);
            hints.Add(new IndexHint(null,
                $"`{string.Join(" OR ", columns)}` filters on different columns: one composite index cannot serve an OR. " +
                OrAdvice(dialect, columns)));
        }

        var orderTable = stored.Count(r => r.Role == RelationRole.Read || r.Role == RelationRole.Written) == 1 ? stored[0].Name : null;
        foreach (var (table, items) in byTable)
        {
            var keys = new List<IndexCandidateKey>();
            var reasons = new List<string>();
            string? partial = null;
            var joinColumns = new List<string>();
            bool HasKey(string column) => keys.Any(k => k.Expression is null && NameComparer.SameName(k.Column, column));

            foreach (var (p, c) in items.Where(i => i.Predicate.OrGroup is null || !splitOrGroups.Contains(i.Predicate.OrGroup.Value)))
            {
                switch (p.Kind)
                {
                    case PredicateKind.Equality when !HasKey(c.Name):
                        keys.Add(new IndexCandidateKey(c.Name, IndexKeyRole.Equality, false));
                        reasons.Add($"`{c.Name}` is compared with `=`: equality keys go first");
                        break;
                    case PredicateKind.Join when !joinColumns.Contains(c.Name, NameComparer.Instance):
                        joinColumns.Add(c.Name);
                        break;
                    case PredicateKind.InList when !HasKey(c.Name):
                        keys.Add(new IndexCandidateKey(c.Name, IndexKeyRole.Equality, false));
                        reasons.Add($"`{c.Name}` is matched against an IN list: a few equality lookups");
                        break;
                    case PredicateKind.IsNull or PredicateKind.IsNotNull when dialect != SqlDialect.MySql:
                        var condition = $"{Engines.Quote(c.Name, dialect)} IS {(p.Kind == PredicateKind.IsNull ? "" : "NOT ")}NULL";
                        partial = partial is null ? condition : partial + " AND " + condition;
                        reasons.Add($"`{c.Name} IS {(p.Kind == PredicateKind.IsNull ? "" : "NOT ")}NULL` becomes the index's WHERE: a {(dialect == SqlDialect.TSql ? "filtered" : "partial")} index holds only the rows the query wants");
                        break;
                    case PredicateKind.IsNull or PredicateKind.IsNotNull when !HasKey(c.Name):
                        keys.Add(new IndexCandidateKey(c.Name, IndexKeyRole.Equality, false));
                        reasons.Add($"`{c.Name} IS NULL` can use an index key lookup in MySQL (it has no partial indexes)");
                        break;
                    case PredicateKind.FunctionWrapped:
                        var expression = ExpressionKey(p, c, dialect, text);
                        if (expression is null || keys.Any(k => k.Expression == expression)) break;
                        keys.Add(new IndexCandidateKey(c.Name, IndexKeyRole.Equality, false) { Expression = expression });
                        reasons.Add($"`{c.Name}` is wrapped in `{p.Function}`: a plain index on `{c.Name}` cannot be used, an expression index on `{expression}` can" +
                            (dialect == SqlDialect.TSql ? " (in SQL Server, through a persisted computed column)" : dialect == SqlDialect.MySql ? " (MySQL 8.0.13+ functional key part; MariaDB needs a virtual column)" : "") +
                            "; better still, rewrite the predicate to compare the bare column");
                        break;
                    case PredicateKind.LikeInfix:
                        hints.Add(new IndexHint(table, InfixLikeAdvice(table, c.Name, dialect)));
                        break;
                }
            }

            // Only the first range column can bound the scan; ORDER BY keys help only when no other range precedes them.
            var ranges = items.Where(i => i.Predicate.Kind is PredicateKind.Range or PredicateKind.Between or PredicateKind.LikePrefix
                && (i.Predicate.OrGroup is null || !splitOrGroups.Contains(i.Predicate.OrGroup.Value))).ToList();
            var order = OrderKeys(statement, table, stored, orderTable);
            var firstOrder = order.FirstOrDefault(o => !HasKey(o.Column!.Name));
            var range = ranges.FirstOrDefault(r => firstOrder is not null && NameComparer.SameName(r.Column.Name, firstOrder.Column!.Name));
            if (range.Column is null && ranges.Count > 0) range = ranges[0];
            if (range.Column is not null && !HasKey(range.Column.Name))
            {
                var matchingOrder = order.FirstOrDefault(o => NameComparer.SameName(o.Column!.Name, range.Column.Name));
                keys.Add(new IndexCandidateKey(range.Column.Name, IndexKeyRole.Range, matchingOrder?.Descending ?? false));
                reasons.Add(range.Predicate.Kind == PredicateKind.LikePrefix
                    ? $"`{range.Column.Name} LIKE 'prefix%'` is a range scan on the index" + (dialect == SqlDialect.Postgres ? " (with a non-C collation, declare the key with `text_pattern_ops`)" : "")
                    : $"`{range.Column.Name}` is bounded by a range: it comes after the equality keys");
                foreach (var other in ranges.Where(r => !NameComparer.SameName(r.Column.Name, range.Column.Name)).Select(r => r.Column.Name).Distinct(NameComparer.Instance))
                    reasons.Add($"`{other}` is also bounded by a range; an index can range-scan only one column, so it is filtered after the scan");
            }
            var rangeColumn = range.Column?.Name;
            var orderUsable = order.Count > 0 && (rangeColumn is null || NameComparer.SameName(rangeColumn, order.FirstOrDefault(o => !HasKeyAsEquality(keys, o.Column!.Name))?.Column!.Name));
            if (orderUsable)
            {
                foreach (var o in order)
                {
                    if (HasKey(o.Column!.Name)) continue;
                    keys.Add(new IndexCandidateKey(o.Column.Name, IndexKeyRole.Order, o.Descending));
                    reasons.Add($"`{o.Column.Name}` is the ORDER BY: after the equality keys, the index returns rows already sorted, so no sort step");
                }
                if (order.Count > 0 && keys.Any(k => k.Role is IndexKeyRole.Range or IndexKeyRole.Order))
                    reasons.Add(statement.Limit is not null
                        ? "with the LIMIT, the engine can stop after the first rows it reads from the index"
                        : "rows come out in index order, so the sort disappears from the plan");
            }
            else if (order.Count > 0 && rangeColumn is not null)
            {
                reasons.Add($"the ORDER BY is on another column than the range on `{rangeColumn}`, so the sort stays (an index cannot serve both)");
            }

            // Join columns serve the table as the inner side of a nested loop: after the equalities, they are looked up
            // too. With a range or an order in the index they would break it for the table read on its own, so then
            // they are only mentioned.
            var joinsUsable = joinColumns.Where(j => !HasKey(j)).ToList();
            if (joinsUsable.Count > 0 && !keys.Any(k => k.Role is IndexKeyRole.Range or IndexKeyRole.Order))
            {
                var at = keys.Count(k => k.Role == IndexKeyRole.Equality);
                foreach (var j in joinsUsable)
                {
                    keys.Insert(at++, new IndexCandidateKey(j, IndexKeyRole.Join, false));
                    reasons.Add($"`{j}` is a join key: when `{table.Name}` is the inner side of a nested loop, each outer row becomes an index lookup");
                }
            }
            else if (joinsUsable.Count > 0)
            {
                reasons.Add($"`{string.Join("`, `", joinsUsable)}` joins `{table.Name}` to another table: if `{table.Name}` is the inner side of a nested loop, an index leading with {(joinsUsable.Count == 1 ? "it" : "them")} (then the equality keys) serves the join instead");
            }

            // Without a schema, a lone join key named `id` is taken for the primary key: it is indexed already.
            if (schema?.FindTable(table) is null && keys.Count == 1 && keys[0].Role == IndexKeyRole.Join && NameComparer.SameName(keys[0].Column, "id") && partial is null)
            {
                hints.Add(new IndexHint(table, $"`{table.Name}.id` is joined on; it is taken to be the primary key, which is indexed already."));
                continue;
            }

            if (keys.Count == 0 && partial is null) continue;
            if (keys.Count == 0) continue; // a partial index needs a key; the IS NULL filter alone is not selective enough to propose one.

            // Mixed directions need the index to say them; one direction is served by a backward scan.
            var mixed = keys.Where(k => k.Role is IndexKeyRole.Order or IndexKeyRole.Range).Select(k => k.Descending).Distinct().Count() > 1;
            if (!mixed) keys = keys.Select(k => k with { Descending = false }).ToList();
            else reasons.Add("the ORDER BY mixes ASC and DESC, so the index declares each direction");

            var name = IndexName(table, keys);
            var schemaTable = schema?.FindTable(table);
            var covered = schemaTable?.Indexes.FirstOrDefault(i => Covers(i, keys, partial))
                ?? schemaTable?.Constraints.Where(k => k.Kind is ConstraintKind.PrimaryKey or ConstraintKind.Unique)
                    .Select(k => new IndexModel { Name = k.Name ?? (k.Kind == ConstraintKind.PrimaryKey ? "primary key" : "unique key"), Table = table, Keys = k.Columns.Select(col => new IndexKey(col, null, false)).ToList() })
                    .FirstOrDefault(i => Covers(i, keys, partial));
            candidates.Add(new IndexCandidate(table, keys, name, Ddl(table, keys, name, partial, dialect))
            {
                Predicate = partial,
                Reasons = reasons,
                CoveredBy = covered?.Name,
            });
        }
        return new IndexAdvice(candidates, hints);
    }

    private static bool HasKeyAsEquality(List<IndexCandidateKey> keys, string column) =>
        keys.Any(k => k.Expression is null && k.Role is IndexKeyRole.Equality or IndexKeyRole.Join && NameComparer.SameName(k.Column, column));

    private static void Add(Dictionary<QualifiedName, List<(Predicate, ColumnReference)>> map, QualifiedName table, Predicate p, ColumnReference c)
    {
        if (!map.TryGetValue(table, out var list)) map[table] = list = [];
        list.Add((p, c));
    }

    /// <summary>The relation a column belongs to: as resolved by the model, else by qualifier, else the only relation.</summary>
    internal static RelationReference? Resolve(ColumnReference column, IReadOnlyList<RelationReference> stored)
    {
        if (column.Relation is { } resolved) return resolved.IsCommonTableExpression ? null : resolved;
        if (column.Qualifier is { } q)
            return stored.FirstOrDefault(r => NameComparer.SameName(r.Alias, q)) ?? stored.FirstOrDefault(r => r.Alias is null && NameComparer.SameName(r.Name.Name, q));
        var distinct = stored.Select(r => r.Name).Distinct(QualifiedNameEquality.Instance).ToList();
        return distinct.Count == 1 ? stored[0] : null;
    }

    private static List<OrderItem> OrderKeys(StatementModel statement, QualifiedName table, List<RelationReference> stored, QualifiedName? only)
    {
        var items = new List<OrderItem>();
        foreach (var o in statement.OrderBy)
        {
            if (o.Column is null) return []; // an expression in the ORDER BY: a plain index cannot serve the sort.
            var relation = Resolve(o.Column, stored);
            var name = relation?.Name ?? only;
            if (name is null || !NameComparer.SameObject(name, table)) return [];
            items.Add(o);
        }
        return items;
    }

    /// <summary>
    /// The wrapped column as an index expression: the left side of the comparison as written (lower(o.email) becomes
    /// lower(email)), else rebuilt from the function name; null when it cannot be written as a key.
    /// </summary>
    private static string? ExpressionKey(Predicate p, ColumnReference column, SqlDialect dialect, string? text)
    {
        if (text is not null && p.Span.End <= text.Length && p.Operator is { Length: > 0 } op)
        {
            var written = text.Substring(p.Span.Start, p.Span.Length);
            var at = written.IndexOf(op, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                var left = written[..at].Trim();
                if (left.Contains(column.Name, StringComparison.OrdinalIgnoreCase) && left.Length < 200 && left.IndexOf('\n') < 0)
                {
                    if (column.Qualifier is { } q) left = left.Replace(q + ".", "", StringComparison.OrdinalIgnoreCase);
                    return left.StartsWith('(') || IsCall(left) ? left : $"({left})";
                }
            }
        }
        var function = p.Function;
        if (string.IsNullOrWhiteSpace(function)) return null;
        var col = Engines.Quote(column.Name, dialect);
        if (function.StartsWith("::", StringComparison.Ordinal)) return $"({col}{function})";
        return function.All(ch => char.IsLetterOrDigit(ch) || ch == '_') && !function.Equals("CAST", StringComparison.OrdinalIgnoreCase)
            ? $"{function}({col})"
            : null;
    }

    private static bool IsCall(string expression)
    {
        var open = expression.IndexOf('(');
        return open > 0 && expression.EndsWith(')') && expression[..open].All(ch => char.IsLetterOrDigit(ch) || ch == '_');
    }

    private static string OrAdvice(SqlDialect dialect, List<string> columns) => dialect switch
    {
        SqlDialect.Postgres => $"Index each column separately ({string.Join(", ", columns.Select(c => $"`{c}`"))}) so PostgreSQL can combine them with a BitmapOr, or rewrite as a `UNION ALL` of one query per branch.",
        SqlDialect.MySql => $"Index each column separately so MySQL can use an index merge (union), or rewrite as a `UNION ALL` of one query per branch.",
        SqlDialect.TSql => $"Index each column separately and rewrite as a `UNION ALL` (or `UNION`) of one query per branch; SQL Server rarely combines indexes for an OR.",
        _ => $"Index each column separately: SQLite's OR optimisation can then look up each branch; or rewrite as a `UNION ALL`.",
    };

    private static string InfixLikeAdvice(QualifiedName table, string column, SqlDialect dialect)
    {
        var t = Engines.Quote(table, dialect);
        var c = Engines.Quote(column, dialect);
        return dialect switch
        {
            SqlDialect.Postgres => $"`{column} LIKE '%...%'` starts with a wildcard: no B-tree helps. A trigram index does: `CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX CONCURRENTLY ix_{table.Name}_{column}_trgm ON {t} USING gin ({c} gin_trgm_ops);`",
            SqlDialect.MySql => $"`{column} LIKE '%...%'` starts with a wildcard: no B-tree helps. For word search, a `FULLTEXT` index with `MATCH ({column}) AGAINST (...)`: `ALTER TABLE {t} ADD FULLTEXT INDEX ft_{table.Name}_{column} ({c});`",
            SqlDialect.TSql => $"`{column} LIKE '%...%'` starts with a wildcard: no B-tree index can seek. For word search, a full-text index with `CONTAINS({column}, ...)`.",
            _ => $"`{column} LIKE '%...%'` starts with a wildcard: no index helps. For word search, an FTS5 virtual table over `{column}` with `MATCH`.",
        };
    }

    private static string IndexName(QualifiedName table, List<IndexCandidateKey> keys)
    {
        var sb = new StringBuilder("ix_").Append(table.Name);
        foreach (var k in keys)
        {
            sb.Append('_');
            foreach (var ch in k.Expression is null ? k.Column : (k.Expression.Split('(')[0].Trim() + "_" + k.Column))
                sb.Append(char.IsLetterOrDigit(ch) || ch == '_' ? char.ToLowerInvariant(ch) : '_');
        }
        var name = sb.ToString().Trim('_');
        return name.Length <= 63 ? name : name[..63]; // PostgreSQL truncates identifiers at 63 bytes
    }

    private static string Ddl(QualifiedName table, List<IndexCandidateKey> keys, string name, string? partial, SqlDialect dialect)
    {
        string Key(IndexCandidateKey k)
        {
            var text = k.Expression is null ? Engines.Quote(k.Column, dialect)
                : dialect == SqlDialect.MySql ? $"({k.Expression})" : k.Expression;
            return k.Descending ? text + " DESC" : text;
        }
        var keyList = string.Join(", ", keys.Select(Key));
        var t = Engines.Quote(table, dialect);
        var n = Engines.Quote(name, dialect);
        var where = partial is null ? "" : $" WHERE {partial}";
        return dialect switch
        {
            SqlDialect.Postgres => $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {n} ON {t} ({keyList}){where};",
            SqlDialect.MySql => $"ALTER TABLE {t} ADD INDEX {n} ({keyList}), ALGORITHM=INPLACE, LOCK=NONE;",
            SqlDialect.TSql => $"CREATE NONCLUSTERED INDEX {n} ON {t} ({keyList}){where} WITH (ONLINE = ON);",
            _ => $"CREATE INDEX IF NOT EXISTS {n} ON {t} ({keyList}){where};",
        };
    }

    /// <summary>An existing index serves the candidate when the candidate's keys are a prefix of its keys, in order.</summary>
    private static bool Covers(IndexModel index, List<IndexCandidateKey> keys, string? partial)
    {
        if (index.Keys.Count < keys.Count) return false;
        if (index.Predicate is not null && partial is null) return false;
        for (var i = 0; i < keys.Count; i++)
        {
            var existing = index.Keys[i];
            var wanted = keys[i];
            if (wanted.Expression is not null)
            {
                if (existing.Expression is null || !Normalize(existing.Expression).Contains(Normalize(wanted.Expression.Trim('(', ')')))) return false;
            }
            else if (!NameComparer.SameName(existing.Column, wanted.Column)) return false;
        }
        return true;
    }

    private static string Normalize(string s) => new(s.Where(c => !char.IsWhiteSpace(c) && c != '"' && c != '`').Select(char.ToLowerInvariant).ToArray());
}

/// <summary>Dictionary key equality for qualified names, following <see cref="NameComparer"/>.</summary>
public sealed class QualifiedNameEquality : IEqualityComparer<QualifiedName>
{
    public static readonly QualifiedNameEquality Instance = new();

    public bool Equals(QualifiedName? x, QualifiedName? y) =>
        x is null || y is null ? x is null && y is null : NameComparer.SameName(x.Name, y.Name) && NameComparer.SameName(x.Schema, y.Schema);

    public int GetHashCode(QualifiedName obj) => NameComparer.Instance.GetHashCode(obj.Name);
}
