using System.Text.RegularExpressions;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Completion;

public enum SqlCompletionKind
{
    Table,
    View,
    Column,
    Cte,
    Alias,
    Schema,
    Function,
    Keyword,
    Type,
    JoinCondition,
    Index,
    Constraint,
}

/// <summary>One proposal: what to show, what it is, what to insert, and how it ranks in this position.</summary>
public sealed record SqlCompletionItem(string Label, SqlCompletionKind Kind, string SortText)
{
    public string? Detail { get; init; }
    public string? InsertText { get; init; }
    /// <summary>The table, view or column's table the item is about (completionItem/resolve reads it).</summary>
    public QualifiedName? Object { get; init; }
    public string? Column { get; init; }
}

/// <summary>What the position asks for (tests and the benchmark print it).</summary>
public enum CompletionPosition
{
    StatementStart,
    Relation,
    AfterRelation,
    Expression,
    AfterExpression,
    SelectList,
    AfterSelectItem,
    Qualified,
    JoinOn,
    UsingColumns,
    InsertColumns,
    SetColumns,
    ColumnDefinition,
    ColumnType,
    AfterColumnType,
    Type,
    AlterTable,
    IndexName,
    ConstraintName,
    TableColumns,
    None,
}

public sealed record SqlCompletionResult(IReadOnlyList<SqlCompletionItem> Items, TextSpan Replace, bool Incomplete, CompletionPosition Position);

/// <summary>
/// Completion for a position in a SQL document, from the schema model (live catalog or replayed migrations) and the
/// dialect's built-in table. Works on the statement's tokens, so it answers inside statements that do not parse yet
/// (<c>SELECT * FROM </c>, <c>SELECT o. FROM orders o</c>). Pure: no I/O.
/// </summary>
public static class SqlCompletion
{
    /// <summary>At most this many items go back; the list is then marked incomplete and the client asks again as the user types.</summary>
    public const int MaxItems = 300;

    private static readonly HashSet<string> ExpectsOperand = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "SELECT", "WHERE", "ON", "BY", "HAVING", "WHEN", "THEN", "ELSE", "CASE", "SET", "DISTINCT",
        "IN", "LIKE", "ILIKE", "IS", "BETWEEN", "VALUES", "RETURNING", "EXISTS", "ALL", "ANY", "SOME", "TOP", "LIMIT", "OFFSET",
    };

    public static SqlCompletionResult Complete(IReadOnlyList<Token> tokens, string source, SqlDialect dialect, int offset, SchemaModel? schema, BuiltinCatalog? builtins = null) =>
        Complete(StatementScope.At(tokens, source, dialect, offset), dialect, offset, schema, builtins);

    /// <summary>Completion in a document, reading only the statement at the offset (not a string of the whole document).</summary>
    public static SqlCompletionResult Complete(IReadOnlyList<Token> tokens, SourceText text, SqlDialect dialect, int offset, SchemaModel? schema, BuiltinCatalog? builtins = null) =>
        Complete(StatementScope.At(tokens, text, dialect, offset), dialect, offset, schema, builtins);

    private static SqlCompletionResult Complete(StatementScope scope, SqlDialect dialect, int offset, SchemaModel? schema, BuiltinCatalog? builtins)
    {
        builtins ??= BuiltinCatalog.For(dialect);
        var source = scope.Source;
        var t = scope.Tokens;
        var k = 0;
        while (k < t.Count && t[k].Start < offset) k++;
        // The word being typed (the cursor at its end or inside it).
        var prefix = "";
        var replace = new TextSpan(offset, 0);
        var b = k - 1;
        if (b >= 0 && t[b].Kind is TokenKind.Word or TokenKind.QuotedIdentifier && t[b].End >= offset)
        {
            var start = t[b].Start;
            prefix = source.Substring(start, offset - start);
            if (t[b].Kind == TokenKind.QuotedIdentifier && prefix.Length > 0) prefix = prefix[1..];
            replace = TextSpan.FromBounds(start, offset);
            b--;
        }
        var builder = new Builder(scope, schema, builtins, prefix, dialect);
        var group = scope.GroupAt(replace.Start);
        var position = Classify(scope, b, group, out var subject);
        builder.Fill(position, b, group, subject);
        var items = builder.Items;
        var sorted = items.OrderBy(i => i.SortText, StringComparer.Ordinal).ThenBy(i => i.Label, StringComparer.OrdinalIgnoreCase).ToList();
        var incomplete = builder.Truncated;
        if (sorted.Count > MaxItems)
        {
            sorted = sorted.Take(MaxItems).ToList();
            incomplete = true;
        }
        return new SqlCompletionResult(sorted, replace, incomplete, position);
    }

    /// <summary>What the position asks for; <paramref name="subject"/> is the token index it is about (a table, the JOIN, the qualifier).</summary>
    private static CompletionPosition Classify(StatementScope s, int b, int group, out int subject)
    {
        subject = -1;
        var t = s.Tokens;
        if (b < 0) return CompletionPosition.StatementStart;
        if (t[b].Kind == TokenKind.Dot)
        {
            subject = b - 1;
            return s.IsName(b - 1) ? CompletionPosition.Qualified : CompletionPosition.None;
        }
        if (t[b].Kind == TokenKind.Operator && s.Text(b) == "::") return CompletionPosition.Type;

        // The group's own opening: a column list, a definition list, a function's arguments.
        var open = s.GroupOpen[group];
        if (open >= 0 && group != 0)
        {
            var first = s.FirstIn(group);
            var head = open - 1;
            if (!s.IsQueryGroup(group) || first < 0 || first > b)
            {
                // INSERT INTO t ( | ) / CREATE INDEX ... ON t ( | ) / REFERENCES t ( | ): columns of t
                if (s.IsName(head) && (t[b].Kind is TokenKind.OpenParen or TokenKind.Comma) && (RelationBefore(s, head) is { } target))
                {
                    subject = target;
                    if (s.Is(FirstWordOfName(s, head) - 1, "TABLE") && (s.Is(FirstWordOfName(s, head) - 2, "CREATE") || s.Is(FirstWordOfName(s, head) - 3, "CREATE")))
                        return CompletionPosition.ColumnDefinition;
                    return s.Is(target - 1, "INTO") ? CompletionPosition.InsertColumns : CompletionPosition.TableColumns;
                }
                if (s.Is(head, "USING")) return CompletionPosition.UsingColumns;
                // CREATE TABLE t ( a int, | ) : a column's name, type or constraints
                if (IsCreateTableBody(s, group))
                {
                    var itemStart = b;
                    while (itemStart > open && !(t[itemStart].Kind == TokenKind.Comma && s.Groups[itemStart] == group)) itemStart--;
                    var inItem = b - itemStart;
                    if (inItem == 0) return CompletionPosition.ColumnDefinition;
                    if (inItem == 1 && s.IsName(b) && !s.Is(b, "CONSTRAINT") && !s.Is(b, "PRIMARY") && !s.Is(b, "FOREIGN") && !s.Is(b, "UNIQUE") && !s.Is(b, "CHECK"))
                        return CompletionPosition.ColumnType;
                    return s.Is(b, "REFERENCES") ? CompletionPosition.Relation : CompletionPosition.AfterColumnType;
                }
            }
        }

        // The nearest clause keyword at the cursor's level, walking back.
        var stop = Math.Max(0, open + 1);
        for (var i = b; i >= stop; i--)
        {
            if (s.Groups[i] != group || t[i].Kind != TokenKind.Word) continue;
            var w = s.Text(i).ToUpperInvariant();
            switch (w)
            {
                case "FROM" when !s.Is(i - 1, "DISTINCT") && s.IsQueryGroup(group) || w == "FROM" && s.Is(i - 1, "DELETE"):
                case "JOIN":
                case "UPDATE":
                case "INTO":
                    subject = i;
                    return AfterRelationList(s, i, b, group);
                case "TABLE":
                    if (s.Is(i - 1, "CREATE") || s.Is(i - 2, "CREATE")) return CompletionPosition.None; // a new table's name
                    if (s.Is(i - 1, "ALTER"))
                    {
                        subject = i + 1;
                        return AlterTable(s, i, b);
                    }
                    subject = i;
                    return b == i || t[b].Kind == TokenKind.Comma || s.Is(b, "EXISTS") ? CompletionPosition.Relation : CompletionPosition.None;
                case "REFERENCES":
                    return b == i ? CompletionPosition.Relation : CompletionPosition.AfterColumnType;
                case "INDEX":
                    if (s.Is(i - 1, "DROP") || s.Is(i - 1, "ALTER") || s.Is(i - 1, "REINDEX") || s.Is(b, "EXISTS") && s.Is(i - 1, "DROP"))
                        return b == i || s.Is(b, "EXISTS") || s.Is(b, "CONCURRENTLY") || t[b].Kind == TokenKind.Comma ? CompletionPosition.IndexName : CompletionPosition.None;
                    continue;
                case "ON":
                    if (IsCreateIndex(s, i)) { subject = i; return b == i ? CompletionPosition.Relation : CompletionPosition.None; }
                    subject = i;
                    if (b == i) return CompletionPosition.JoinOn;
                    return Operand(s, b) ? CompletionPosition.AfterExpression : CompletionPosition.Expression;
                case "SET" when s.Relations.Any(r => s.Is(r.KeywordIndex, "UPDATE")):
                    subject = i;
                    if (b == i || t[b].Kind == TokenKind.Comma) return CompletionPosition.SetColumns;
                    return Operand(s, b) ? CompletionPosition.AfterExpression : CompletionPosition.Expression;
                case "SELECT":
                    subject = i;
                    if (b == i || t[b].Kind == TokenKind.Comma || !Operand(s, b)) return CompletionPosition.SelectList;
                    return CompletionPosition.AfterSelectItem;
                case "WHERE" or "HAVING" or "WHEN" or "THEN" or "ELSE" or "VALUES" or "RETURNING" or "BY" or "AND" or "OR":
                    subject = i;
                    return Operand(s, b) && b != i ? CompletionPosition.AfterExpression : CompletionPosition.Expression;
                case "AS" when s.Is(i - 2, "CAST") || (i >= 2 && s.Groups[i] != 0 && s.Is(s.GroupOpen[s.Groups[i]] - 1, "CAST")):
                    return b == i ? CompletionPosition.Type : CompletionPosition.None;
                case "TYPE" when s.Is(i - 2, "COLUMN") || s.Is(i - 2, "ALTER") || s.Is(i - 1, "DATA"):
                    return b == i ? CompletionPosition.Type : CompletionPosition.None;
            }
        }
        if (group != 0)
        {
            // A function's arguments or a parenthesised expression: the enclosing clause decides the scope; values go here.
            var outer = Classify(s, open - 1 >= 0 ? open - 1 : -1, s.Parents[group], out subject);
            if (outer is CompletionPosition.SelectList or CompletionPosition.AfterSelectItem or CompletionPosition.Expression or CompletionPosition.AfterExpression or CompletionPosition.JoinOn or CompletionPosition.SetColumns)
                return Operand(s, b) && t[b].Kind != TokenKind.OpenParen ? CompletionPosition.AfterExpression : CompletionPosition.Expression;
            return CompletionPosition.None;
        }
        return b >= 0 && s.Is(0, "WITH") ? CompletionPosition.StatementStart : CompletionPosition.None;
    }

    private static bool IsCreateTableBody(StatementScope s, int group)
    {
        var open = s.GroupOpen[group];
        if (s.Parents[group] != 0) return false;
        var head = FirstWordOfName(s, open - 1);
        return s.Is(head - 1, "TABLE") || s.Is(head - 1, "EXISTS");
    }

    private static bool IsCreateIndex(StatementScope s, int on)
    {
        for (var i = on - 1; i >= 0 && i >= on - 6; i--)
            if (s.Is(i, "INDEX")) return true;
        return false;
    }

    /// <summary>The index of the first part of a dotted name ending at <paramref name="last"/>.</summary>
    private static int FirstWordOfName(StatementScope s, int last)
    {
        var i = last;
        while (i >= 2 && s.Tokens[i - 1].Kind == TokenKind.Dot && s.IsName(i - 2)) i -= 2;
        return i;
    }

    /// <summary>The name at <paramref name="head"/> names a relation the statement introduced (INTO t, ON t, REFERENCES t, TABLE t).</summary>
    private static int? RelationBefore(StatementScope s, int head)
    {
        var first = FirstWordOfName(s, head);
        return s.Is(first - 1, "INTO") || s.Is(first - 1, "ON") || s.Is(first - 1, "REFERENCES") || s.Is(first - 1, "TABLE") || s.Is(first - 1, "EXISTS") ? first : null;
    }

    private static CompletionPosition AfterRelationList(StatementScope s, int keyword, int b, int group)
    {
        var t = s.Tokens;
        if (b == keyword || t[b].Kind == TokenKind.Comma || s.Is(b, "ONLY") || s.Is(b, "LATERAL")) return CompletionPosition.Relation;
        if (s.Is(keyword, "UPDATE") && (s.Is(b, "SET"))) return CompletionPosition.SetColumns;
        return CompletionPosition.AfterRelation;
    }

    private static CompletionPosition AlterTable(StatementScope s, int table, int b)
    {
        var t = s.Tokens;
        if (b == table) return CompletionPosition.Relation;
        var name = table + 1;
        if (s.Is(name, "IF")) name += 2;
        if (s.Is(name, "ONLY")) name++;
        var last = name;
        while (last + 2 < t.Count && t[last + 1].Kind == TokenKind.Dot) last += 2;
        if (b <= last) return CompletionPosition.Relation;
        if (b == last) return CompletionPosition.AlterTable;
        if (s.Is(b, "CONSTRAINT") && (s.Is(b - 1, "DROP") || s.Is(b - 1, "RENAME") || s.Is(b - 1, "VALIDATE"))) return CompletionPosition.ConstraintName;
        if (s.Is(b, "EXISTS") && s.Is(b - 2, "CONSTRAINT")) return CompletionPosition.ConstraintName;
        if ((s.Is(b, "COLUMN") && (s.Is(b - 1, "DROP") || s.Is(b - 1, "ALTER") || s.Is(b - 1, "RENAME"))) || ((s.Is(b, "DROP") || s.Is(b, "ALTER") || s.Is(b, "RENAME") || s.Is(b, "MODIFY")) && s.Dialect != SqlDialect.TSql))
            return CompletionPosition.TableColumns;
        if (s.IsName(b) && (s.Is(b - 1, "ADD") || s.Is(b - 1, "COLUMN") && s.Is(b - 2, "ADD"))) return CompletionPosition.ColumnType;
        if (s.Is(b, "TYPE")) return CompletionPosition.Type;
        if (s.Is(b, "ADD") || s.Is(b, "COLUMN")) return CompletionPosition.None;
        return t[b].Kind == TokenKind.Comma ? CompletionPosition.AlterTable : CompletionPosition.None;
    }

    /// <summary>True when the token ends an operand (a name, a literal, a closing paren), so an operator or keyword comes next.</summary>
    private static bool Operand(StatementScope s, int b)
    {
        if (b < 0) return false;
        var t = s.Tokens[b];
        return t.Kind switch
        {
            TokenKind.Word => !ExpectsOperand.Contains(s.Text(b)),
            TokenKind.QuotedIdentifier or TokenKind.Number or TokenKind.String or TokenKind.Parameter or TokenKind.CloseParen => true,
            TokenKind.Operator => s.Text(b) == "*" && (b == 0 || s.Is(b - 1, "SELECT") || s.Tokens[b - 1].Kind is TokenKind.Comma or TokenKind.Dot || s.Is(b - 1, "DISTINCT")),
            _ => false,
        };
    }

    private sealed class Builder(StatementScope scope, SchemaModel? schema, BuiltinCatalog builtins, string prefix, SqlDialect dialect)
    {
        public List<SqlCompletionItem> Items { get; } = [];
        public bool Truncated { get; private set; }
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        private bool Matches(string name) => prefix.Length == 0 || name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

        private string Sort(int category, string name) =>
            $"{category}{(name.StartsWith(prefix, StringComparison.Ordinal) ? '0' : '1')}{name.ToLowerInvariant()}";

        private void Add(SqlCompletionItem item)
        {
            if (_seen.Add(item.Kind + "\u0001" + item.Label)) Items.Add(item);
        }

        public void Fill(CompletionPosition position, int b, int group, int subject)
        {
            switch (position)
            {
                case CompletionPosition.StatementStart:
                    Keywords(0, StatementKeywords());
                    break;
                case CompletionPosition.Relation:
                    Relations(null, 1);
                    if (!scope.Is(b, "TABLE") && !scope.Is(b, "INTO") && !scope.Is(b, "UPDATE")) Keywords(6, dialect == SqlDialect.Postgres ? ["LATERAL", "ONLY"] : []);
                    break;
                case CompletionPosition.AfterRelation:
                    AfterRelationKeywords(subject, b);
                    break;
                case CompletionPosition.Qualified:
                    Qualified(subject, group, b);
                    break;
                case CompletionPosition.JoinOn:
                    JoinConditions(subject, group);
                    Columns(group, 2);
                    Functions(5);
                    break;
                case CompletionPosition.SelectList:
                    Columns(group, 1);
                    Functions(4);
                    Keywords(5, scope.Is(b, "SELECT") ? SelectStartKeywords() : ExpressionKeywords());
                    break;
                case CompletionPosition.AfterSelectItem:
                    Keywords(0, dialect == SqlDialect.TSql ? ["FROM", "AS", "INTO"] : ["FROM", "AS"]);
                    break;
                case CompletionPosition.Expression:
                    Columns(group, 1);
                    Functions(4);
                    Keywords(5, ExpressionKeywords());
                    break;
                case CompletionPosition.AfterExpression:
                    Keywords(0, AfterExpressionKeywords(subject));
                    break;
                case CompletionPosition.UsingColumns:
                    UsingColumns(group);
                    break;
                case CompletionPosition.InsertColumns or CompletionPosition.TableColumns:
                    if (subject >= 0) TableColumns(NameAt(subject), 1);
                    else if (scope.Relations.FirstOrDefault(r => scope.Is(r.KeywordIndex, "TABLE")) is { } altered) TableColumns(altered.Name, 1);
                    break;
                case CompletionPosition.SetColumns:
                    if (scope.Relations.FirstOrDefault(r => scope.Is(r.KeywordIndex, "UPDATE")) is { } updated) TableColumns(updated.Name, 1);
                    break;
                case CompletionPosition.ColumnDefinition:
                    Keywords(5, ["CONSTRAINT", "PRIMARY KEY", "FOREIGN KEY", "UNIQUE", "CHECK"]);
                    break;
                case CompletionPosition.ColumnType or CompletionPosition.Type:
                    Types();
                    break;
                case CompletionPosition.AfterColumnType:
                    Keywords(0, ColumnConstraintKeywords());
                    break;
                case CompletionPosition.AlterTable:
                    Keywords(0, AlterTableKeywords());
                    break;
                case CompletionPosition.IndexName:
                    Indexes();
                    break;
                case CompletionPosition.ConstraintName:
                    if (scope.Relations.FirstOrDefault(r => scope.Is(r.KeywordIndex, "TABLE")) is { } table) Constraints(table.Name);
                    break;
            }
        }

        private QualifiedName NameAt(int first)
        {
            var parts = new List<string> { scope.Name(first) };
            var i = first;
            while (i + 2 < scope.Tokens.Count && scope.Tokens[i + 1].Kind == TokenKind.Dot && scope.IsName(i + 2)) { i += 2; parts.Add(scope.Name(i)); }
            return parts.Count == 1 ? new QualifiedName(null, parts[0]) : new QualifiedName(parts[^2], parts[^1]);
        }

        private void Keywords(int category, IEnumerable<string> keywords)
        {
            foreach (var k in keywords)
            {
                if (!Matches(k)) continue;
                // A keyword takes the case the user typed (select / SELECT).
                var text = prefix.Length > 0 && prefix.All(c => !char.IsLetter(c) || char.IsLower(c)) ? k.ToLowerInvariant() : k;
                Add(new SqlCompletionItem(text, SqlCompletionKind.Keyword, Sort(category, k)) { Detail = "keyword" });
            }
        }

        /// <summary>Tables, views, CTEs and schemas; in <paramref name="inSchema"/> only that schema's.</summary>
        private void Relations(string? inSchema, int category)
        {
            if (inSchema is null)
                foreach (var cte in scope.Ctes)
                    if (Matches(cte.Name)) Add(new SqlCompletionItem(cte.Name, SqlCompletionKind.Cte, Sort(0, cte.Name)) { Detail = "CTE of this statement", InsertText = Quote(cte.Name) });
            if (schema is null) return;
            var budget = MaxItems * 2;
            foreach (var table in schema.Tables)
            {
                if (inSchema is not null && !NameComparer.SameName(table.Name.Schema ?? schema.DefaultSchema, inSchema)) continue;
                if (!Matches(table.Name.Name)) continue;
                if (--budget < 0) { Truncated = true; break; }
                var qualified = inSchema is null && NeedsSchema(table.Name);
                var label = qualified ? $"{table.Name.Schema}.{table.Name.Name}" : table.Name.Name;
                Add(new SqlCompletionItem(label, SqlCompletionKind.Table, Sort(category, table.Name.Name))
                {
                    Detail = $"table{(qualified || table.Name.Schema is null ? "" : $" in {table.Name.Schema}")} · {table.Columns.Count} column{(table.Columns.Count == 1 ? "" : "s")}",
                    InsertText = qualified ? $"{Quote(table.Name.Schema!)}.{Quote(table.Name.Name)}" : Quote(table.Name.Name),
                    Object = table.Name,
                });
            }
            foreach (var view in schema.Views)
            {
                if (inSchema is not null && !NameComparer.SameName(view.Name.Schema ?? schema.DefaultSchema, inSchema)) continue;
                if (!Matches(view.Name.Name)) continue;
                var qualified = inSchema is null && NeedsSchema(view.Name);
                var label = qualified ? $"{view.Name.Schema}.{view.Name.Name}" : view.Name.Name;
                Add(new SqlCompletionItem(label, SqlCompletionKind.View, Sort(category + 1, view.Name.Name))
                {
                    Detail = view.Materialized ? "materialized view" : "view",
                    InsertText = qualified ? $"{Quote(view.Name.Schema!)}.{Quote(view.Name.Name)}" : Quote(view.Name.Name),
                    Object = view.Name,
                });
            }
            if (inSchema is null)
                foreach (var name in schema.Schemas)
                    if (!NameComparer.SameName(name, schema.DefaultSchema) && Matches(name))
                        Add(new SqlCompletionItem(name, SqlCompletionKind.Schema, Sort(3, name)) { Detail = "schema", InsertText = Quote(name) });
        }

        private bool NeedsSchema(QualifiedName name) =>
            name.Schema is not null && !NameComparer.SameName(name.Schema, schema?.DefaultSchema) && !(dialect == SqlDialect.Sqlite && NameComparer.SameName(name.Schema, "main"));

        /// <summary>The identifier as the dialect needs it written: quoted when it has capitals (PostgreSQL), odd characters or is reserved.</summary>
        public string Quote(string name) => NeedsQuotes(name, dialect) ? dialect.Delimit(name) : name;

        private void Columns(int group, int category)
        {
            var visible = scope.VisibleFrom(group).ToList();
            if (visible.Count == 0) return;
            var nearest = visible[0].Group;
            var all = new List<ScopeColumn>();
            foreach (var r in visible) all.AddRange(scope.ColumnsOf(r, schema));
            var counts = all.GroupBy(c => c.Name, NameComparer.Instance).ToDictionary(g => g.Key, g => g.Count(), NameComparer.Instance);
            var sharedNames = all.Where(c => c.Relation.SharedColumns).Select(c => c.Name).ToHashSet(NameComparer.Instance);
            foreach (var c in all)
            {
                if (!Matches(c.Name)) continue;
                var ambiguous = counts[c.Name] > 1 && !sharedNames.Contains(c.Name) && !visible.Any(r => r.SharedColumns && r.Kind == ScopeRelationKind.Stored && false);
                var label = ambiguous ? $"{c.Relation.Reference}.{c.Name}" : c.Name;
                var insert = ambiguous ? $"{Quote(c.Relation.Reference)}.{Quote(c.Name)}" : Quote(c.Name);
                Add(new SqlCompletionItem(label, SqlCompletionKind.Column, Sort(c.Relation.Group == nearest ? category : category + 1, c.Name))
                {
                    Detail = ColumnDetail(c),
                    InsertText = insert,
                    Object = c.Table?.Name ?? (c.Relation.Kind == ScopeRelationKind.Stored ? c.Relation.Name : null),
                    Column = c.Name,
                });
            }
            foreach (var r in visible)
                if (Matches(r.Reference))
                    Add(new SqlCompletionItem(r.Reference, SqlCompletionKind.Alias, Sort(category + 2, r.Reference))
                    {
                        Detail = r.Alias is null ? r.Kind == ScopeRelationKind.Cte ? "CTE" : "table in scope" : $"alias of {r.Name}",
                        InsertText = Quote(r.Reference),
                        Object = r.Kind == ScopeRelationKind.Stored ? r.Name : null,
                    });
        }

        private static string ColumnDetail(ScopeColumn c)
        {
            var owner = c.Relation.Name.Name == "?" ? "" : $" · {(c.Relation.Alias is { } a ? $"{a} ({c.Relation.Name})" : c.Relation.Name.ToString())}";
            if (c.Definition is not { } d) return $"column{owner}";
            return $"{d.DataType}{(d.Nullable ? ", null" : ", not null")}{(d.IsIdentity ? ", identity" : "")}{owner}";
        }

        private void TableColumns(QualifiedName name, int category)
        {
            if (schema?.FindTable(name) is not { } table) return;
            foreach (var c in table.Columns)
                if (Matches(c.Name))
                    Add(new SqlCompletionItem(c.Name, SqlCompletionKind.Column, $"{category}{table.Columns.IndexOf(c):D4}")
                    {
                        Detail = $"{c.DataType}{(c.Nullable ? ", null" : ", not null")} · {table.Name}",
                        InsertText = Quote(c.Name), Object = table.Name, Column = c.Name,
                    });
        }

        private void Qualified(int qualifier, int group, int dot)
        {
            var q = scope.Name(qualifier);
            var inRelationClause = IsRelationClause(qualifier);
            // schema.table. : that table's columns
            if (qualifier >= 2 && scope.Tokens[qualifier - 1].Kind == TokenKind.Dot && scope.IsName(qualifier - 2))
            {
                TableColumns(new QualifiedName(scope.Name(qualifier - 2), q), 1);
                return;
            }
            if (!inRelationClause && scope.Resolve(q, group) is { } relation)
            {
                var columns = scope.ColumnsOf(relation, schema);
                var order = 0;
                foreach (var c in columns)
                {
                    order++;
                    if (!Matches(c.Name)) continue;
                    Add(new SqlCompletionItem(c.Name, SqlCompletionKind.Column, $"1{order:D4}")
                    {
                        Detail = ColumnDetail(c with { Relation = relation }), InsertText = Quote(c.Name),
                        Object = c.Table?.Name ?? (relation.Kind == ScopeRelationKind.Stored ? relation.Name : null), Column = c.Name,
                    });
                }
                if (Matches("*") && prefix.Length == 0) Add(new SqlCompletionItem("*", SqlCompletionKind.Keyword, "2*") { Detail = $"every column of {relation.Reference}" });
                return;
            }
            if (!inRelationClause && schema?.FindTable(new QualifiedName(null, q)) is { } table)
            {
                TableColumns(table.Name, 1);
                return;
            }
            if (schema is not null && (schema.Schemas.Contains(q, NameComparer.Instance) || schema.Tables.Any(t => NameComparer.SameName(t.Name.Schema, q))))
                Relations(q, 1);
        }

        private bool IsRelationClause(int qualifier)
        {
            var i = qualifier - 1;
            return scope.Is(i, "FROM") || scope.Is(i, "JOIN") || scope.Is(i, "UPDATE") || scope.Is(i, "INTO") || scope.Is(i, "TABLE") || scope.Is(i, "REFERENCES")
                || (i >= 0 && scope.Tokens[i].Kind == TokenKind.Comma && scope.Relations.Any(r => r.NameSpan.Start == scope.Tokens[qualifier].Start));
        }

        private void JoinConditions(int on, int group)
        {
            if (schema is null) return;
            var inGroup = scope.Relations.Where(r => r.Group == group && r.KeywordIndex < on).ToList();
            if (inGroup.Count < 2) return;
            var joined = inGroup[^1];
            var joinedTable = schema.FindTable(joined.Name);
            if (joinedTable is null) return;
            foreach (var left in inGroup.Take(inGroup.Count - 1))
            {
                if (schema.FindTable(left.Name) is not { } leftTable) continue;
                foreach (var fk in joinedTable.ForeignKeys.Where(f => f.ReferencedTable is { } r && SameTable(r, leftTable.Name)))
                    Condition(joined, fk.Columns, left, fk.ReferencedColumns);
                foreach (var fk in leftTable.ForeignKeys.Where(f => f.ReferencedTable is { } r && SameTable(r, joinedTable.Name)))
                    Condition(left, fk.Columns, joined, fk.ReferencedColumns);
            }
        }

        private bool SameTable(QualifiedName a, QualifiedName b) =>
            NameComparer.SameName(a.Name, b.Name) && NameComparer.SameName(a.Schema ?? schema!.DefaultSchema, b.Schema ?? schema!.DefaultSchema);

        private void Condition(ScopeRelation from, IReadOnlyList<string> columns, ScopeRelation to, IReadOnlyList<string> referenced)
        {
            if (columns.Count == 0 || columns.Count != referenced.Count) return;
            var text = string.Join(" AND ", columns.Select((c, i) => $"{Quote(from.Reference)}.{Quote(c)} = {Quote(to.Reference)}.{Quote(referenced[i])}"));
            if (!Matches(text) && !Matches(from.Reference) && !Matches(to.Reference)) return;
            Add(new SqlCompletionItem(text, SqlCompletionKind.JoinCondition, Sort(0, text))
            {
                Detail = $"foreign key {from.Name} → {to.Name}", InsertText = text,
            });
        }

        private void UsingColumns(int group)
        {
            var open = scope.GroupOpen[group];
            var inGroup = scope.Relations.Where(r => r.Group == scope.Parents[group] && scope.Tokens[r.KeywordIndex].Start < scope.Tokens[open].Start).ToList();
            if (inGroup.Count < 2) return;
            var right = scope.ColumnsOf(inGroup[^1], schema).Select(c => c.Name).ToHashSet(NameComparer.Instance);
            var left = inGroup.Take(inGroup.Count - 1).SelectMany(r => scope.ColumnsOf(r, schema)).ToList();
            foreach (var c in left)
                if (right.Contains(c.Name) && Matches(c.Name))
                    Add(new SqlCompletionItem(c.Name, SqlCompletionKind.Column, Sort(1, c.Name)) { Detail = $"in both {c.Relation.Name} and {inGroup[^1].Name}", InsertText = Quote(c.Name) });
        }

        private void Functions(int category)
        {
            foreach (var f in builtins.Functions)
            {
                if (!Matches(f.Name)) continue;
                Add(new SqlCompletionItem(f.Name, SqlCompletionKind.Function, Sort(category, f.Name))
                {
                    Detail = $"{f.Signature} → {f.Returns}", InsertText = f.Name,
                });
            }
        }

        private void Types()
        {
            foreach (var type in builtins.Types)
            {
                var name = type.Contains('(') ? type[..type.IndexOf('(')] : type;
                if (!Matches(name)) continue;
                var text = prefix.Length > 0 && prefix.All(c => !char.IsLetter(c) || char.IsLower(c)) ? name.ToLowerInvariant() : name;
                Add(new SqlCompletionItem(text, SqlCompletionKind.Type, Sort(1, name)) { Detail = type == name ? "type" : $"type {type}", InsertText = text });
            }
            if (schema is null) return;
            foreach (var e in schema.Enums)
                if (Matches(e.Name.Name))
                    Add(new SqlCompletionItem(e.Name.Name, SqlCompletionKind.Type, Sort(0, e.Name.Name)) { Detail = $"enum ({string.Join(", ", e.Values.Take(5))})", InsertText = Quote(e.Name.Name), Object = e.Name });
        }

        private void Indexes()
        {
            if (schema is null) return;
            var budget = MaxItems * 2;
            foreach (var table in schema.Tables)
                foreach (var index in table.Indexes)
                {
                    if (index.IsPrimaryKey || !Matches(index.Name)) continue;
                    if (--budget < 0) { Truncated = true; return; }
                    Add(new SqlCompletionItem(index.Name, SqlCompletionKind.Index, Sort(1, index.Name))
                    {
                        Detail = $"{(index.Unique ? "unique index" : "index")} on {table.Name} ({string.Join(", ", index.Keys)})", InsertText = Quote(index.Name), Object = table.Name,
                    });
                }
        }

        private void Constraints(QualifiedName name)
        {
            if (schema?.FindTable(name) is not { } table) return;
            foreach (var c in table.Constraints)
                if (c.Name is { } n && Matches(n))
                    Add(new SqlCompletionItem(n, SqlCompletionKind.Constraint, Sort(1, n))
                    {
                        Detail = $"{c.Kind} ({string.Join(", ", c.Columns)}){(c.ReferencedTable is { } r ? $" → {r}" : "")}", InsertText = Quote(n), Object = table.Name,
                    });
        }

        private IEnumerable<string> StatementKeywords()
        {
            string[] common = ["SELECT", "INSERT INTO", "UPDATE", "DELETE FROM", "WITH", "CREATE TABLE", "CREATE INDEX", "CREATE VIEW", "ALTER TABLE", "DROP TABLE", "DROP INDEX", "EXPLAIN"];
            return dialect switch
            {
                SqlDialect.Postgres => [.. common, "BEGIN", "COMMIT", "ROLLBACK", "TRUNCATE", "VACUUM", "ANALYZE", "CREATE MATERIALIZED VIEW", "CREATE TYPE"],
                SqlDialect.MySql => [.. common, "START TRANSACTION", "COMMIT", "ROLLBACK", "TRUNCATE TABLE", "ANALYZE TABLE", "SHOW"],
                SqlDialect.TSql => [.. common.Where(k => k != "EXPLAIN"), "BEGIN TRANSACTION", "COMMIT", "ROLLBACK", "TRUNCATE TABLE", "MERGE", "DECLARE"],
                _ => [.. common, "BEGIN", "COMMIT", "ROLLBACK", "VACUUM", "ANALYZE", "PRAGMA"],
            };
        }

        private IEnumerable<string> SelectStartKeywords() =>
            dialect == SqlDialect.TSql ? ["DISTINCT", "TOP", "CASE", "NOT", "EXISTS", "NULL", "CAST"] : ["DISTINCT", "CASE", "NOT", "EXISTS", "NULL", "CAST"];

        private IEnumerable<string> ExpressionKeywords() => dialect switch
        {
            SqlDialect.TSql => ["CASE", "NOT", "EXISTS", "NULL", "CAST"],
            _ => ["CASE", "NOT", "EXISTS", "NULL", "TRUE", "FALSE", "CAST"],
        };

        private IEnumerable<string> AfterRelationKeywords(int keyword, int b)
        {
            var list = new List<string> { "WHERE", "JOIN", "INNER JOIN", "LEFT JOIN", "CROSS JOIN", "GROUP BY", "ORDER BY", "UNION" };
            if (dialect != SqlDialect.MySql) list.Add("FULL JOIN");
            if (dialect != SqlDialect.Sqlite) list.Add("RIGHT JOIN");
            if (dialect != SqlDialect.TSql) { list.Add("NATURAL JOIN"); list.Add("LIMIT"); }
            if (scope.Is(keyword, "JOIN"))
            {
                list.Insert(0, "ON");
                if (dialect != SqlDialect.TSql) list.Add("USING");
            }
            if (scope.Is(keyword, "UPDATE")) list = ["SET"];
            if (scope.Is(keyword, "INTO")) list = dialect == SqlDialect.Postgres ? ["VALUES", "SELECT", "DEFAULT VALUES"] : ["VALUES", "SELECT"];
            // After the name, before an alias: AS.
            if (!scope.Is(keyword, "INTO") && scope.IsName(b) && !scope.Is(b - 1, "AS") && !(b >= 1 && scope.IsName(b - 1) && !scope.Is(b - 1, "FROM") && !scope.Is(b - 1, "JOIN"))) list.Add("AS");
            Keywords(0, list);
            return list;
        }

        private IEnumerable<string> AfterExpressionKeywords(int clause)
        {
            var list = new List<string> { "AND", "OR", "IS NULL", "IS NOT NULL", "IN", "NOT IN", "LIKE", "BETWEEN" };
            if (dialect == SqlDialect.Postgres) list.Add("ILIKE");
            if (scope.Is(clause, "BY"))
            {
                list = scope.Is(clause - 1, "ORDER") ? ["ASC", "DESC"] : ["HAVING", "ORDER BY"];
                if (scope.Is(clause - 1, "ORDER") && dialect is SqlDialect.Postgres or SqlDialect.Sqlite) list.AddRange(["NULLS FIRST", "NULLS LAST"]);
                if (dialect != SqlDialect.TSql) list.Add("LIMIT");
                return list;
            }
            if (scope.Is(clause, "WHERE") || scope.Is(clause, "AND") || scope.Is(clause, "OR"))
            {
                list.AddRange(["GROUP BY", "ORDER BY"]);
                if (dialect != SqlDialect.TSql) list.Add("LIMIT");
            }
            if (scope.Is(clause, "ON")) list.AddRange(["WHERE", "JOIN", "LEFT JOIN", "GROUP BY", "ORDER BY"]);
            if (scope.Is(clause, "WHEN")) list.Add("THEN");
            if (scope.Is(clause, "THEN")) list.AddRange(["WHEN", "ELSE", "END"]);
            if (scope.Is(clause, "ELSE")) list.Add("END");
            return list;
        }

        private IEnumerable<string> ColumnConstraintKeywords() => dialect switch
        {
            SqlDialect.Postgres => ["NOT NULL", "NULL", "DEFAULT", "PRIMARY KEY", "UNIQUE", "REFERENCES", "CHECK", "GENERATED ALWAYS AS IDENTITY"],
            SqlDialect.MySql => ["NOT NULL", "NULL", "DEFAULT", "PRIMARY KEY", "UNIQUE", "REFERENCES", "CHECK", "AUTO_INCREMENT"],
            SqlDialect.TSql => ["NOT NULL", "NULL", "DEFAULT", "PRIMARY KEY", "UNIQUE", "REFERENCES", "CHECK", "IDENTITY"],
            _ => ["NOT NULL", "NULL", "DEFAULT", "PRIMARY KEY", "UNIQUE", "REFERENCES", "CHECK", "AUTOINCREMENT"],
        };

        private IEnumerable<string> AlterTableKeywords() => dialect switch
        {
            SqlDialect.TSql => ["ADD", "DROP COLUMN", "ALTER COLUMN", "ADD CONSTRAINT", "DROP CONSTRAINT"],
            SqlDialect.Sqlite => ["ADD COLUMN", "DROP COLUMN", "RENAME COLUMN", "RENAME TO"],
            _ => ["ADD COLUMN", "DROP COLUMN", "ALTER COLUMN", "RENAME COLUMN", "RENAME TO", "ADD CONSTRAINT", "DROP CONSTRAINT"],
        };
    }

    private static readonly Regex PlainLower = new("^[a-z_][a-z0-9_$]*$", RegexOptions.CultureInvariant);
    private static readonly Regex PlainAnyCase = new("^[A-Za-z_][A-Za-z0-9_$]*$", RegexOptions.CultureInvariant);
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "where", "group", "order", "by", "having", "limit", "offset", "join", "on", "and", "or", "not",
        "table", "user", "index", "primary", "key", "references", "check", "default", "unique", "union", "all", "as",
        "case", "when", "then", "else", "end", "null", "true", "false", "in", "is", "like", "between", "distinct",
        "insert", "update", "delete", "into", "values", "set", "create", "alter", "drop", "grant", "to", "with", "column",
        "constraint", "foreign", "desc", "asc", "left", "right", "inner", "outer", "full", "cross", "natural", "using",
    };

    /// <summary>Whether an identifier must be quoted to mean itself in the dialect.</summary>
    public static bool NeedsQuotes(string name, SqlDialect dialect)
    {
        if (Reserved.Contains(name)) return true;
        // PostgreSQL folds unquoted names to lower case: a name with capitals only means itself quoted.
        return dialect == SqlDialect.Postgres ? !PlainLower.IsMatch(name) : !PlainAnyCase.IsMatch(name);
    }
}
