using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules.Queries;

/// <summary><c>x = NULL</c> / <c>x &lt;&gt; NULL</c> in a condition: never true.</summary>
public sealed class CompareToNullRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("compare-to-null", "Comparison with NULL",
        "= NULL and <> NULL are never true: use IS NULL or IS NOT NULL.", FindingSeverity.Warning, RuleCategory.Correctness);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var text = context.Script.Text;
        // Only inside conditions: SET a = NULL assigns, T-SQL SELECT a = NULL names a column.
        var inCondition = new bool[64];
        for (var i = 0; i < significant.Count; i++)
        {
            var (t, depth) = significant[i];
            var d = Math.Min(depth, inCondition.Length - 1);
            if (t.Kind == TokenKind.OpenParen && d + 1 < inCondition.Length) inCondition[d + 1] = inCondition[d];
            if (t.Kind == TokenKind.Word)
            {
                if (tokens.IsWord(t, "WHERE") || tokens.IsWord(t, "ON") || tokens.IsWord(t, "HAVING") || tokens.IsWord(t, "WHEN") || tokens.IsWord(t, "AND") || tokens.IsWord(t, "OR"))
                    inCondition[d] = true;
                else if (tokens.IsWord(t, "SET") || tokens.IsWord(t, "SELECT") || tokens.IsWord(t, "VALUES") || tokens.IsWord(t, "THEN") || tokens.IsWord(t, "ELSE")
                    || tokens.IsWord(t, "DEFAULT") || tokens.IsWord(t, "RETURNING") || tokens.IsWord(t, "FROM") || tokens.IsWord(t, "UPDATE"))
                    inCondition[d] = false;
            }
            if (!inCondition[d] || t.Kind != TokenKind.Operator || i + 1 >= significant.Count || !tokens.IsWord(significant[i + 1].Token, "NULL")) continue;
            var op = text.ToString(t.Span);
            if (op is not ("=" or "<>" or "!=")) continue;
            // `IS DISTINCT FROM`-like forms and `x = NULL::int` still compare with NULL; a following operator (NULL || 'a') does not.
            if (i + 2 < significant.Count && significant[i + 2].Token.Kind == TokenKind.Operator && !text.Slice(significant[i + 2].Token.Span).SequenceEqual("::")) continue;
            var replacement = op == "=" ? "IS NULL" : "IS NOT NULL";
            var span = TextSpan.FromBounds(t.Start, significant[i + 1].Token.End);
            yield return Report(context, span, $"{op} NULL is never true (NULL compares as unknown): use {replacement}.", null,
                new FindingFix($"Replace with {replacement}", [new FindingEdit(span, replacement)]));
        }
    }
}

/// <summary>FROM a, b with no condition joining them: a cross join.</summary>
public sealed class ImplicitCrossJoinRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("implicit-cross-join", "Tables listed without a join condition",
        "Tables listed in FROM with no condition between them multiply each other's rows.", FindingSeverity.Warning, RuleCategory.Correctness);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var model = context.Model;
        if (model.Kind is not (StatementKind.Select or StatementKind.Update or StatementKind.Delete or StatementKind.Insert) || model.IsOpaque) yield break;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var from = tokens.Find(significant, "FROM");
        if (from < 0) yield break;
        // The top-level FROM list: plain names separated by commas, up to the next clause.
        var items = new List<(QualifiedName Name, string? Alias, TextSpan Span)>();
        var i = from + 1;
        while (i < significant.Count)
        {
            if (significant[i].Depth != 0 || significant[i].Token.Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier)) yield break;
            var start = i;
            var name = tokens.Text(significant[i].Token);
            while (i + 2 < significant.Count && significant[i + 1].Token.Kind == TokenKind.Dot) { name += "." + tokens.Text(significant[i + 2].Token); i += 2; }
            i++;
            // A function call (unnest(...), generate_series(...)) or LATERAL is not a table: leave it.
            if (i < significant.Count && significant[i].Token.Kind == TokenKind.OpenParen) yield break;
            if (IsClauseWord(tokens, significant[start].Token)) yield break;
            string? alias = null;
            if (i < significant.Count && tokens.IsWord(significant[i].Token, "AS")) i++;
            if (i < significant.Count && significant[i].Token.Kind is TokenKind.Word or TokenKind.QuotedIdentifier && !IsClauseWord(tokens, significant[i].Token))
            {
                alias = tokens.Text(significant[i].Token);
                i++;
            }
            items.Add((QualifiedName.Parse(name), alias, TextSpan.FromBounds(significant[start].Token.Start, significant[i - 1].Token.End)));
            if (i < significant.Count && significant[i].Token.Kind == TokenKind.Comma) { i++; continue; }
            break;
        }
        if (items.Count < 2) yield break;
        // Which listed tables a predicate links (by alias or name): a condition between two of them joins them.
        var linked = new HashSet<int>();
        foreach (var p in model.Predicates)
        {
            if (p.Kind != PredicateKind.Join || p.Column is null || p.OtherColumn is null) continue;
            var a = IndexOf(items, p.Column);
            var b = IndexOf(items, p.OtherColumn);
            if (a < 0 || b < 0) yield break; // a condition we cannot place: say nothing
            if (a != b) { linked.Add(a); linked.Add(b); }
        }
        var lone = Enumerable.Range(0, items.Count).Where(k => !linked.Contains(k)).ToList();
        if (lone.Count == 0 || (lone.Count == 1 && linked.Count == 0)) yield break;
        // A filter we cannot read (an OR, a subquery) may still relate them: only report when every predicate is understood.
        if (model.Predicates.Any(p => p.Kind == PredicateKind.Other)) yield break;
        var item = items[lone[^1]];
        yield return Report(context, item.Span,
            $"{item.Name} is listed in FROM with no condition joining it to the other tables: every row of it pairs with every row of the rest (a cross join). Join it with JOIN ... ON, or write CROSS JOIN if that is the intent.");
    }

    private static int IndexOf(List<(QualifiedName Name, string? Alias, TextSpan Span)> items, ColumnReference column)
    {
        if (column.Qualifier is { } q)
        {
            for (var k = 0; k < items.Count; k++)
                if (NameComparer.SameName(items[k].Alias, q) || (items[k].Alias is null && NameComparer.SameName(items[k].Name.Name, q))) return k;
            return -1;
        }
        if (column.Relation is { } r)
            for (var k = 0; k < items.Count; k++)
                if (NameComparer.SameObject(items[k].Name, r.Name)) return k;
        return -1;
    }

    private static bool IsClauseWord(StatementTokens tokens, Token t) =>
        tokens.IsWord(t, "WHERE") || tokens.IsWord(t, "GROUP") || tokens.IsWord(t, "ORDER") || tokens.IsWord(t, "LIMIT") || tokens.IsWord(t, "HAVING")
        || tokens.IsWord(t, "JOIN") || tokens.IsWord(t, "INNER") || tokens.IsWord(t, "LEFT") || tokens.IsWord(t, "RIGHT") || tokens.IsWord(t, "FULL")
        || tokens.IsWord(t, "CROSS") || tokens.IsWord(t, "NATURAL") || tokens.IsWord(t, "UNION") || tokens.IsWord(t, "LATERAL") || tokens.IsWord(t, "ON")
        || tokens.IsWord(t, "USING") || tokens.IsWord(t, "WINDOW") || tokens.IsWord(t, "FETCH") || tokens.IsWord(t, "OFFSET") || tokens.IsWord(t, "FOR")
        || tokens.IsWord(t, "RETURNING") || tokens.IsWord(t, "INTERSECT") || tokens.IsWord(t, "EXCEPT") || tokens.IsWord(t, "SET") || tokens.IsWord(t, "WITH")
        || tokens.IsWord(t, "OPTION") || tokens.IsWord(t, "VALUES") || tokens.IsWord(t, "SELECT");
}

/// <summary>col NOT IN (SELECT c FROM t) where the schema says c can be NULL: one NULL empties the result.</summary>
public sealed class NotInNullableSubqueryRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("not-in-nullable-subquery", "NOT IN over a nullable subquery",
        "NOT IN over a subquery that can return NULL is never true once a NULL appears.", FindingSeverity.Warning, RuleCategory.Correctness);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Schema is not { } schema) yield break;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        for (var i = 0; i + 4 < significant.Count; i++)
        {
            if (!tokens.Sequence(significant, i, "NOT", "IN") || significant[i + 2].Token.Kind != TokenKind.OpenParen || !tokens.IsWord(significant[i + 3].Token, "SELECT")) continue;
            var inner = significant[i + 3].Depth;
            // SELECT [DISTINCT] col FROM table: the simple form whose nullability the schema answers.
            var k = i + 4;
            if (tokens.IsWord(significant[k].Token, "DISTINCT")) k++;
            if (k + 2 >= significant.Count) continue;
            var column = tokens.Text(significant[k].Token);
            var next = k + 1;
            if (next + 1 < significant.Count && significant[next].Token.Kind == TokenKind.Dot) { column = tokens.Text(significant[next + 1].Token); next += 2; }
            if (next >= significant.Count || !tokens.IsWord(significant[next].Token, "FROM") || next + 1 >= significant.Count) continue;
            var tableName = tokens.Text(significant[next + 1].Token);
            if (next + 3 < significant.Count && significant[next + 2].Token.Kind == TokenKind.Dot) tableName += "." + tokens.Text(significant[next + 3].Token);
            var table = schema.Tables.FirstOrDefault(t => NameComparer.SameObject(t.Name, QualifiedName.Parse(tableName.Trim('"', '`', '[', ']'))));
            var col = table?.FindColumn(column.Trim('"', '`', '[', ']'));
            if (col is null || !col.Nullable) continue;
            // A WHERE col IS NOT NULL inside the subquery removes the trap.
            var close = significant.Skip(i + 3).TakeWhile(s => s.Depth >= inner).Count() + i + 3;
            var nulls = false;
            for (var j = i + 4; j + 2 < close && j + 2 < significant.Count; j++)
                if (tokens.Sequence(significant, j, "IS", "NOT", "NULL")) nulls = true;
            if (nulls) continue;
            yield return Report(context, TextSpan.FromBounds(significant[i].Token.Start, significant[i + 1].Token.End),
                $"NOT IN over {table!.Name}.{col.Name}, which can be NULL: as soon as the subquery returns one NULL, NOT IN is never true and no row comes back. Use NOT EXISTS (SELECT 1 FROM {table.Name} WHERE {col.Name} = ...), or filter WHERE {col.Name} IS NOT NULL inside.");
        }
    }
}

/// <summary>LIMIT/OFFSET/TOP/FETCH without ORDER BY: which rows come back is up to the plan.</summary>
public sealed class LimitWithoutOrderByRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("limit-without-order-by", "LIMIT without ORDER BY",
        "Without ORDER BY, which rows LIMIT keeps is unspecified and can change between runs.", FindingSeverity.Warning, RuleCategory.Correctness);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var model = context.Model;
        if (model.Kind != StatementKind.Select || model.Limit is not { } limit || model.OrderBy.Count > 0) yield break;
        // LIMIT 1 with no FROM, or over no stored table, picks nothing arbitrary; an OFFSET-less LIMIT 1 existence probe is common and harmless.
        if (!model.Relations.Any(r => r.Role == RelationRole.Read && !r.IsCommonTableExpression)) yield break;
        if (limit.Limit == 1 && limit.Offset is null or 0) yield break;
        var tokens = context.Tokens;
        // ORDER BY inside a window or a set operation branch is not the statement's order; UNION results are unordered too.
        if (tokens.Find(tokens.Significant(), "ORDER") >= 0) yield break;
        yield return Report(context, limit.Span,
            "LIMIT/OFFSET without ORDER BY returns whichever rows the plan meets first: pages overlap or skip rows, and the result changes when the plan does. Add an ORDER BY on a unique key.");
    }
}

/// <summary>ORDER BY random() sorts every row to pick a few.</summary>
public sealed class OrderByRandomRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("order-by-random", "ORDER BY random()",
        "ORDER BY random() reads and sorts every row of the table to return a few.", FindingSeverity.Information, RuleCategory.Performance);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var model = context.Model;
        if (model.Kind != StatementKind.Select || model.HasWhere) yield break;
        if (!model.Relations.Any(r => r.Role == RelationRole.Read && !r.IsCommonTableExpression)) yield break;
        foreach (var item in model.OrderBy)
        {
            var e = item.Expression.Replace(" ", "").ToLowerInvariant();
            if (e is not ("random()" or "rand()" or "newid()")) continue;
            var sample = context.Script.Dialect switch
            {
                SqlDialect.Postgres => "TABLESAMPLE SYSTEM (1) or a random key range",
                SqlDialect.TSql => "TABLESAMPLE or a random key range",
                _ => "a random key range (WHERE id >= a random value ORDER BY id LIMIT n)",
            };
            yield return Report(context, item.Span,
                $"ORDER BY {item.Expression} computes a random value for every row of the table and sorts them all, on every call: fine for small tables, slow on large ones. Use {sample}.");
        }
    }
}

/// <summary>INSERT INTO t VALUES (...) without a column list breaks when a column is added or reordered.</summary>
public sealed class InsertWithoutColumnsRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("insert-without-columns", "INSERT without a column list",
        "An INSERT without a column list depends on the table's column order.", FindingSeverity.Warning, RuleCategory.Correctness);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Kind != StatementKind.Insert) yield break;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var into = tokens.Find(significant, "INTO");
        var insert = tokens.Find(significant, "INSERT");
        if (insert < 0) yield break;
        var i = (into >= 0 ? into : insert) + 1;
        if (i >= significant.Count || significant[i].Token.Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier)) yield break;
        var start = i;
        while (i + 2 < significant.Count && significant[i + 1].Token.Kind == TokenKind.Dot) i += 2;
        var next = i + 1;
        // An alias (PostgreSQL INSERT INTO t AS x) comes before the list.
        if (next < significant.Count && tokens.IsWord(significant[next].Token, "AS")) next += 2;
        if (next >= significant.Count) yield break;
        var after = significant[next].Token;
        if (after.Kind == TokenKind.OpenParen) yield break;
        if (!(tokens.IsWord(after, "VALUES") || tokens.IsWord(after, "SELECT") || tokens.IsWord(after, "VALUE"))) yield break;
        // Temporary tables and table variables are shaped by the same script.
        var name = tokens.Text(significant[start].Token);
        if (name.StartsWith('#') || name.StartsWith('@')) yield break;
        yield return Report(context, TextSpan.FromBounds(significant[start].Token.Start, significant[i].Token.End),
            $"INSERT into {tokens.Text(significant[start].Token)} without a column list fills columns by position: adding or reordering a column later silently shifts the values, or fails. Name the columns.");
    }
}

/// <summary>CREATE VIEW ... AS SELECT *: the column list is frozen at creation time.</summary>
public sealed class SelectStarInViewRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("select-star-in-view", "SELECT * in a view",
        "A view's * is expanded when the view is created: columns added later do not appear.", FindingSeverity.Warning, RuleCategory.Correctness);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Kind is not (StatementKind.CreateView or StatementKind.CreateMaterializedView or StatementKind.AlterView)) yield break;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var text = context.Script.Text;
        var select = tokens.Find(significant, "SELECT");
        if (select < 0) yield break;
        for (var i = select + 1; i < significant.Count; i++)
        {
            var (t, depth) = significant[i];
            if (depth != 0) continue;
            if (tokens.IsWord(t, "FROM")) yield break;
            if (t.Kind == TokenKind.Operator && t.Length == 1 && text[t.Start] == '*')
            {
                var previous = significant[i - 1].Token;
                if (!(tokens.IsWord(previous, "SELECT") || tokens.IsWord(previous, "DISTINCT") || previous.Kind is TokenKind.Comma or TokenKind.Dot)) continue;
                yield return Report(context, t.Span,
                    "SELECT * in a view is expanded to the columns that exist now: a column added to the table later is not in the view, and dropping one fails or breaks it. List the columns.");
                yield break;
            }
        }
    }
}

/// <summary>A function around a column that has an index on the bare column: the index cannot be used.</summary>
public sealed class FunctionOnIndexedColumnRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("function-on-indexed-column", "Function on an indexed column",
        "Wrapping an indexed column in a function or cast keeps the engine from using its index.", FindingSeverity.Warning, RuleCategory.Performance);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Schema is not { } schema) yield break;
        foreach (var p in context.Model.Predicates)
        {
            if (p.Kind != PredicateKind.FunctionWrapped || p.Column is not { } column) continue;
            var relation = column.Relation ?? (context.Model.Relations.Count(r => r.Role == RelationRole.Read) == 1 ? context.Model.Relations.First(r => r.Role == RelationRole.Read) : null);
            if (relation is null) continue;
            var table = schema.Tables.FirstOrDefault(t => NameComparer.SameObject(t.Name, relation.Name));
            if (table is null) continue;
            var leading = table.Indexes.FirstOrDefault(ix => ix.Keys.Count > 0 && NameComparer.SameName(ix.Keys[0].Column, column.Name));
            if (leading is null) continue;
            // An expression index on the same function is what the predicate needs: then it is fine.
            if (p.Function is { } fn && table.Indexes.Any(ix => ix.Keys.Any(k => k.Expression?.Contains(fn, StringComparison.OrdinalIgnoreCase) == true))) continue;
            yield return Report(context, p.Span,
                $"{p.Function ?? "A function"} around {table.Name}.{column.Name} keeps the engine from using index {leading.Name} on {column.Name}: it computes the function for every row. Compare the bare column with a transformed value (a range instead of date(col) = ...), or index the expression.");
        }
    }
}

/// <summary>LIKE '%x': no B-tree index helps a pattern that starts with a wildcard.</summary>
public sealed class LeadingWildcardLikeRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("leading-wildcard-like", "LIKE with a leading wildcard",
        "A LIKE pattern that starts with % cannot use a B-tree index: every row is read.", FindingSeverity.Information, RuleCategory.Performance);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var p in context.Model.Predicates)
        {
            if (p.Kind != PredicateKind.LikeInfix) continue;
            var fix = context.Script.Dialect switch
            {
                SqlDialect.Postgres => "a trigram index (pg_trgm, GIN with gin_trgm_ops) or full-text search",
                SqlDialect.MySql => "a FULLTEXT index with MATCH ... AGAINST",
                SqlDialect.TSql => "a full-text index with CONTAINS",
                _ => "an FTS5 table with MATCH",
            };
            yield return Report(context, p.Span,
                $"LIKE with a leading % on {p.Column?.Name ?? "the column"} cannot use a B-tree index: every row is read and matched. Anchor the pattern ('abc%') or use {fix}.");
        }
    }
}

/// <summary>SELECT * in a query: reads every column, breaks index-only scans, changes shape silently.</summary>
public sealed class SelectStarRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("select-star", "SELECT *",
        "SELECT * reads and sends every column and changes shape when the table does.", FindingSeverity.Hint, RuleCategory.Performance) with { EnabledByDefault = false };

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Kind != StatementKind.Select) yield break;
        if (AntiPatterns.FindSelectStar(context.Script, context.Statement) is { } star)
            yield return Report(context, star,
                "SELECT * reads and sends every column, including wide ones the caller ignores, rules out index-only scans, and changes shape when a column is added. List the columns the caller uses.");
    }
}

/// <summary>A large OFFSET still reads every skipped row.</summary>
public sealed class LargeOffsetRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("large-offset", "Large OFFSET",
        "A large OFFSET reads and discards every skipped row.", FindingSeverity.Information, RuleCategory.Performance);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Limit is { Offset: > 1000 } limit)
            yield return Report(context, limit.Span,
                $"OFFSET {limit.Offset} reads and throws away {limit.Offset} rows on every call: pages get slower the deeper they go. Use keyset pagination: WHERE (sort_key, id) > (last_key, last_id) ORDER BY sort_key, id LIMIT n.");
    }
}

/// <summary>OR across different columns: one composite index cannot serve it.</summary>
public sealed class OrAcrossColumnsRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("or-across-columns", "OR across different columns",
        "An OR over different columns cannot use one index; engines often scan instead.", FindingSeverity.Information, RuleCategory.Performance);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var group in context.Model.Predicates.Where(p => p.OrGroup is not null && p.Column is not null && p.Clause == PredicateClause.Where).GroupBy(p => p.OrGroup!.Value))
        {
            var columns = group.Select(p => p.Column!.Name).Distinct(NameComparer.Instance).ToList();
            if (columns.Count < 2) continue;
            var span = TextSpan.FromBounds(group.Min(p => p.Span.Start), group.Max(p => p.Span.End));
            yield return Report(context, span,
                $"OR across {string.Join(", ", columns)} cannot use one composite index, and engines often fall back to a full scan. Index each column (the engine can combine them: BitmapOr, index merge) or rewrite as UNION ALL of one query per branch.");
        }
    }
}
