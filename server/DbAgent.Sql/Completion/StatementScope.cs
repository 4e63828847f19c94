using DbAgent.Sql.Lexing;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Completion;

public enum ScopeRelationKind
{
    /// <summary>A stored table or view (the schema model says which).</summary>
    Stored,
    /// <summary>A common table expression of the statement.</summary>
    Cte,
    /// <summary>A subquery in FROM with an alias.</summary>
    Derived,
}

/// <summary>A relation a statement names in FROM / JOIN / UPDATE / INTO, with its alias and the paren group it sits in.</summary>
public sealed record ScopeRelation(QualifiedName Name, string? Alias, ScopeRelationKind Kind, TextSpan NameSpan, TextSpan? AliasSpan, int Group)
{
    /// <summary>What a column of this relation is qualified with in the statement.</summary>
    public string Reference => Alias ?? Name.Name;

    /// <summary>For a CTE or a derived table: the group whose select list gives its columns.</summary>
    public int? BodyGroup { get; init; }

    /// <summary>Columns listed after the alias or CTE name (<c>AS x (a, b)</c>), which outrank the select list.</summary>
    public IReadOnlyList<string>? ListedColumns { get; init; }

    /// <summary>Index of the keyword (FROM, JOIN ...) that introduced it, in the statement's tokens.</summary>
    public int KeywordIndex { get; init; }

    /// <summary>Joined with NATURAL, or with USING (...): its shared columns appear once.</summary>
    public bool SharedColumns { get; init; }
}

/// <summary>A CTE defined by the statement: its name, where, and the group of its body.</summary>
public sealed record CteDefinition(string Name, TextSpan NameSpan, int BodyGroup, IReadOnlyList<string>? ListedColumns);

/// <summary>A column a relation offers, with what the schema knows of it.</summary>
public sealed record ScopeColumn(string Name, ScopeRelation Relation, ColumnModel? Definition, TableModel? Table);

/// <summary>
/// The lexical scope of one statement for editor features that must work on text that does not parse yet
/// (completion on <c>SELECT o. FROM orders o</c>): the statement's significant tokens, the paren groups they sit in,
/// the relations each query group names, and the CTEs. Reads tokens only; what a name means comes from the schema
/// model.
/// </summary>
public sealed class StatementScope
{
    private static readonly HashSet<string> NotAnAlias = new(StringComparer.OrdinalIgnoreCase)
    {
        "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "NATURAL", "ON", "USING", "GROUP", "ORDER",
        "HAVING", "LIMIT", "OFFSET", "FETCH", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "FOR", "SET", "VALUES",
        "RETURNING", "SELECT", "FROM", "WITH", "AS", "LATERAL", "TABLESAMPLE", "STRAIGHT_JOIN", "DEFAULT", "OUTPUT",
        "OPTION", "INTO", "WHEN", "THEN", "ELSE", "END", "AND", "OR", "NOT", "IS", "IN", "LIKE", "BETWEEN", "APPLY",
        "PARTITION", "QUALIFY", "LOCK", "FORCE", "IGNORE", "USE", "ONLY", "DO", "CONFLICT", "INDEXED", "WINDOW",
    };

    private readonly TextWindow _source;

    private StatementScope(TextWindow source, SqlDialect dialect, List<Token> tokens, int[] groups, List<int> parents, List<int> groupOpen)
    {
        _source = source;
        Dialect = dialect;
        Tokens = tokens;
        Groups = groups;
        Parents = parents;
        GroupOpen = groupOpen;
    }

    public SqlDialect Dialect { get; }

    /// <summary>The characters of the statement's tokens, by document offset.</summary>
    public TextWindow Source => _source;

    /// <summary>The statement's tokens without trivia, in order.</summary>
    public IReadOnlyList<Token> Tokens { get; }

    /// <summary>For each token, the paren group it sits in (0: the statement; a paren token belongs to the group it opens or closes).</summary>
    public IReadOnlyList<int> Groups { get; }

    /// <summary>For each group, its enclosing group (-1 for group 0).</summary>
    public IReadOnlyList<int> Parents { get; }

    /// <summary>For each group, the index of its opening paren (-1 for group 0).</summary>
    public IReadOnlyList<int> GroupOpen { get; }

    public List<ScopeRelation> Relations { get; } = [];
    public List<CteDefinition> Ctes { get; } = [];

    public string Text(int i) => _source.Substring(Tokens[i].Start, Tokens[i].Length);

    public bool Is(int i, string word) => i >= 0 && i < Tokens.Count && Tokens[i].Kind == TokenKind.Word && _source.AsSpan(Tokens[i].Start, Tokens[i].Length).Equals(word, StringComparison.OrdinalIgnoreCase);

    public bool IsName(int i) => i >= 0 && i < Tokens.Count && Tokens[i].Kind is TokenKind.Word or TokenKind.QuotedIdentifier;

    /// <summary>An identifier's name with its quotes removed.</summary>
    public string Name(int i) => Unquote(_source.AsSpan(Tokens[i].Start, Tokens[i].Length), Tokens[i].Kind);

    public static string Unquote(ReadOnlySpan<char> text, TokenKind kind)
    {
        if (kind != TokenKind.QuotedIdentifier || text.Length < 2) return text.ToString();
        var close = text[0] == '[' ? ']' : text[0];
        var inner = text[1..^(text[^1] == close ? 1 : 0)].ToString();
        return inner.Replace(new string(close, 2), close.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The statement around <paramref name="offset"/>: from the token after the previous semicolon to the next one,
    /// so a statement being typed at the end of a file, after its last parsed statement, is found too.
    /// </summary>
    /// <remarks><paramref name="source"/>: the characters the tokens point into (a string of the whole text, or a window of it).</remarks>
    public static StatementScope At(IReadOnlyList<Token> all, TextWindow source, SqlDialect dialect, int offset, int maxTokens = 20_000) =>
        Build(source, dialect, Gather(all, offset, maxTokens));

    /// <summary>As <see cref="At(IReadOnlyList{Token}, TextWindow, SqlDialect, int, int)"/>, reading only the statement's part of the document.</summary>
    public static StatementScope At(IReadOnlyList<Token> all, SourceText text, SqlDialect dialect, int offset, int maxTokens = 20_000)
    {
        var tokens = Gather(all, offset, maxTokens);
        return Build(tokens.Count == 0 ? new TextWindow("", 0) : text.Window(tokens[0].Start, tokens[^1].End), dialect, tokens);
    }

    /// <summary>The significant tokens of the statement around the offset.</summary>
    private static List<Token> Gather(IReadOnlyList<Token> all, int offset, int maxTokens)
    {
        // The last token that starts before the offset.
        int lo = 0, hi = all.Count - 1, at = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (all[mid].Start < offset) { at = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        var first = at + 1;
        for (var i = at; i >= 0 && at - i < maxTokens; i--)
        {
            // A semicolon the cursor sits right after ends the statement before it, unless the cursor is inside the token.
            if (all[i].Kind is TokenKind.Semicolon or TokenKind.BatchSeparator or TokenKind.CustomDelimiter && all[i].End <= offset) break;
            first = i;
        }
        var tokens = new List<Token>();
        for (var i = first; i < all.Count && i - first < maxTokens; i++)
        {
            var t = all[i];
            if (t.Kind is TokenKind.Semicolon or TokenKind.BatchSeparator or TokenKind.CustomDelimiter && t.Start >= offset) break;
            if (t.Kind is TokenKind.Semicolon or TokenKind.BatchSeparator or TokenKind.CustomDelimiter) continue;
            if (!t.IsTrivia) tokens.Add(t);
        }
        return tokens;
    }

    public static StatementScope Build(TextWindow source, SqlDialect dialect, List<Token> tokens)
    {
        var groups = new int[tokens.Count];
        var parents = new List<int> { -1 };
        var open = new List<int> { -1 };
        var stack = new Stack<int>();
        var current = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            switch (tokens[i].Kind)
            {
                case TokenKind.OpenParen:
                    parents.Add(current);
                    open.Add(i);
                    stack.Push(current);
                    current = parents.Count - 1;
                    groups[i] = current;
                    break;
                case TokenKind.CloseParen:
                    groups[i] = current;
                    if (stack.Count > 0) current = stack.Pop();
                    break;
                default:
                    groups[i] = current;
                    break;
            }
        }
        var scope = new StatementScope(source, dialect, tokens, groups, parents, open);
        scope.ReadCtes();
        scope.ReadRelations();
        return scope;
    }

    /// <summary>The group that holds a position (the group of the last token before it, or the one it opens).</summary>
    public int GroupAt(int offset)
    {
        var group = 0;
        for (var i = 0; i < Tokens.Count && Tokens[i].Start < offset; i++)
        {
            if (Tokens[i].Kind == TokenKind.CloseParen && Tokens[i].End <= offset) group = Parents[Groups[i]] < 0 ? 0 : Parents[Groups[i]];
            else group = Groups[i];
        }
        return group;
    }

    /// <summary>The groups from <paramref name="group"/> out to the statement.</summary>
    public IEnumerable<int> Enclosing(int group)
    {
        for (var g = group; g >= 0; g = Parents[g]) yield return g;
    }

    /// <summary>The index of the first token of a group after its paren (or 0), or -1 when empty.</summary>
    public int FirstIn(int group)
    {
        var i = GroupOpen[group] + 1;
        return i < Tokens.Count && Groups[i] == group && Tokens[i].Kind != TokenKind.CloseParen ? i : -1;
    }

    /// <summary>A group holding a query: the statement itself, or parens that start with SELECT / WITH / VALUES.</summary>
    public bool IsQueryGroup(int group)
    {
        if (group == 0) return true;
        var first = FirstIn(group);
        return first >= 0 && (Is(first, "SELECT") || Is(first, "WITH") || Is(first, "VALUES") || Tokens[first].Kind == TokenKind.OpenParen);
    }

    /// <summary>Relations visible from a group: its own, then those of the groups around it (correlated subqueries).</summary>
    public IEnumerable<ScopeRelation> VisibleFrom(int group)
    {
        foreach (var g in Enclosing(group))
            foreach (var r in Relations)
                if (r.Group == g) yield return r;
    }

    /// <summary>The relation a qualifier names among those visible: alias first, then an unaliased name.</summary>
    public ScopeRelation? Resolve(string qualifier, int group) =>
        VisibleFrom(group).FirstOrDefault(r => NameComparer.SameName(r.Alias, qualifier))
        ?? VisibleFrom(group).FirstOrDefault(r => r.Alias is null && NameComparer.SameName(r.Name.Name, qualifier));

    private void ReadCtes()
    {
        if (!Is(0, "WITH")) return;
        var i = 1;
        if (Is(i, "RECURSIVE")) i++;
        while (IsName(i))
        {
            var nameIndex = i++;
            IReadOnlyList<string>? listed = null;
            if (i < Tokens.Count && Tokens[i].Kind == TokenKind.OpenParen)
            {
                listed = NamesIn(Groups[i]);
                i = CloseOf(i) + 1;
            }
            if (!Is(i, "AS")) return;
            i++;
            if (Is(i, "NOT")) i++;
            if (Is(i, "MATERIALIZED")) i++;
            if (i >= Tokens.Count || Tokens[i].Kind != TokenKind.OpenParen) return;
            Ctes.Add(new CteDefinition(Name(nameIndex), Tokens[nameIndex].Span, Groups[i], listed));
            i = CloseOf(i) + 1;
            if (i < Tokens.Count && Tokens[i].Kind == TokenKind.Comma) i++;
            else return;
        }
    }

    /// <summary>The index of the paren closing the one at <paramref name="open"/> (or the last token when unclosed).</summary>
    public int CloseOf(int open)
    {
        var group = Groups[open];
        for (var i = open + 1; i < Tokens.Count; i++)
            if (Tokens[i].Kind == TokenKind.CloseParen && Groups[i] == group) return i;
        return Tokens.Count - 1;
    }

    /// <summary>The plain names listed directly in a paren group: <c>(a, b, c)</c>.</summary>
    private List<string> NamesIn(int group)
    {
        var names = new List<string>();
        for (var i = GroupOpen[group] + 1; i < Tokens.Count && !(Tokens[i].Kind == TokenKind.CloseParen && Groups[i] == group); i++)
            if (Groups[i] == group && IsName(i) && (i + 1 >= Tokens.Count || Tokens[i + 1].Kind is TokenKind.Comma or TokenKind.CloseParen)) names.Add(Name(i));
        return names;
    }

    private void ReadRelations()
    {
        for (var i = 0; i < Tokens.Count; i++)
        {
            if (Tokens[i].Kind != TokenKind.Word) continue;
            var group = Groups[i];
            if (Is(i, "FROM") || Is(i, "JOIN") || Is(i, "UPDATE") || (Is(i, "INTO") && !Is(i - 1, "SELECT")) || (Is(i, "TABLE") && (Is(i - 1, "ALTER") || Is(i - 1, "TRUNCATE") || Is(i - 1, "LOCK"))))
            {
                if (Is(i, "FROM") && Is(i - 1, "DISTINCT")) continue; // IS DISTINCT FROM
                if (!IsQueryGroup(group) && !Is(i, "UPDATE") && !Is(i, "INTO")) continue; // EXTRACT(x FROM y), SUBSTRING(x FROM 1)
                var shared = Is(i, "JOIN") && Preceded(i, "NATURAL");
                var next = ReadRelation(i + 1, group, i, shared);
                // FROM a, b, c
                while (Is(i, "FROM") && next < Tokens.Count && Tokens[next].Kind == TokenKind.Comma && Groups[next] == group)
                    next = ReadRelation(next + 1, group, i, false);
            }
            else if (Is(i, "USING") && i > 0 && i + 1 < Tokens.Count && Tokens[i + 1].Kind == TokenKind.OpenParen)
            {
                // JOIN t USING (a, b): t's shared columns appear once.
                var k = Relations.FindLastIndex(r => r.Group == group);
                if (k >= 0) Relations[k] = Relations[k] with { SharedColumns = true };
            }
        }
    }

    private bool Preceded(int i, string word)
    {
        for (var k = i - 1; k >= 0 && k >= i - 3; k--)
            if (Is(k, word)) return true;
        return false;
    }

    /// <summary>Reads one relation at <paramref name="i"/>; returns the index after it.</summary>
    private int ReadRelation(int i, int group, int keyword, bool shared)
    {
        if (Is(i, "ONLY") || Is(i, "LATERAL")) i++;
        if (i >= Tokens.Count) return i;
        if (Tokens[i].Kind == TokenKind.OpenParen)
        {
            var body = Groups[i];
            var close = CloseOf(i);
            var (alias, aliasSpan, next) = Alias(close + 1);
            IReadOnlyList<string>? listed = null;
            if (alias is not null && next < Tokens.Count && Tokens[next].Kind == TokenKind.OpenParen)
            {
                listed = NamesIn(Groups[next]);
                next = CloseOf(next) + 1;
            }
            if (alias is not null && IsQueryGroup(body))
                Relations.Add(new ScopeRelation(new QualifiedName(null, alias), alias, ScopeRelationKind.Derived, aliasSpan!.Value, aliasSpan, group)
                {
                    BodyGroup = body, ListedColumns = listed, KeywordIndex = keyword, SharedColumns = shared,
                });
            return next;
        }
        if (!IsName(i) || (Tokens[i].Kind == TokenKind.Word && NotAnAlias.Contains(Text(i)))) return i;
        var start = i;
        var parts = new List<string> { Name(i) };
        while (i + 2 < Tokens.Count && Tokens[i + 1].Kind == TokenKind.Dot && IsName(i + 2))
        {
            i += 2;
            parts.Add(Name(i));
        }
        var nameSpan = TextSpan.FromBounds(Tokens[start].Start, Tokens[i].End);
        i++;
        if (i < Tokens.Count && Tokens[i].Kind == TokenKind.OpenParen) return CloseOf(i) + 1; // a function in FROM
        var name = parts.Count == 1 ? new QualifiedName(null, parts[0]) : new QualifiedName(parts[^2], parts[^1]);
        var (a, span, after) = Alias(i);
        var cte = name.Schema is null ? Ctes.FirstOrDefault(c => NameComparer.SameName(c.Name, name.Name)) : null;
        Relations.Add(new ScopeRelation(name, a, cte is null ? ScopeRelationKind.Stored : ScopeRelationKind.Cte, nameSpan, span, group)
        {
            BodyGroup = cte?.BodyGroup, ListedColumns = cte?.ListedColumns, KeywordIndex = keyword, SharedColumns = shared,
        });
        return after;
    }

    private (string? Alias, TextSpan? Span, int Next) Alias(int i)
    {
        if (Is(i, "AS"))
        {
            return IsName(i + 1) ? (Name(i + 1), Tokens[i + 1].Span, i + 2) : (null, null, i + 1);
        }
        if (IsName(i) && !(Tokens[i].Kind == TokenKind.Word && NotAnAlias.Contains(Text(i))))
            return (Name(i), Tokens[i].Span, i + 1);
        return (null, null, i);
    }

    /// <summary>
    /// The columns a relation offers: a table's or view's from the schema; a CTE's or derived table's from its
    /// listed names or its select list (<c>*</c> expanded from the relations of its body).
    /// </summary>
    public IReadOnlyList<ScopeColumn> ColumnsOf(ScopeRelation relation, SchemaModel? schema, int depth = 0)
    {
        if (relation.Kind == ScopeRelationKind.Stored)
        {
            if (schema?.FindTable(relation.Name) is { } table)
                return table.Columns.Select(c => new ScopeColumn(c.Name, relation, c, table)).ToList();
            if (schema?.FindView(relation.Name) is { } view)
                return view.Columns.Select(c => new ScopeColumn(c, relation, null, null)).ToList();
            return [];
        }
        if (relation.ListedColumns is { Count: > 0 } listed) return listed.Select(c => new ScopeColumn(c, relation, null, null)).ToList();
        if (relation.BodyGroup is not { } body || depth > 8) return [];
        return SelectListOf(body, schema, depth + 1).Select(c => c with { Relation = relation }).ToList();
    }

    /// <summary>The output columns of the first SELECT directly in a group.</summary>
    public IReadOnlyList<ScopeColumn> SelectListOf(int group, SchemaModel? schema, int depth)
    {
        var select = -1;
        for (var i = Math.Max(0, GroupOpen[group] + 1); i < Tokens.Count; i++)
        {
            if (Tokens[i].Kind == TokenKind.CloseParen && Groups[i] == group) break;
            if (Groups[i] == group && Is(i, "SELECT")) { select = i; break; }
        }
        if (select < 0) return [];
        var result = new List<ScopeColumn>();
        var item = new List<int>();
        var i2 = select + 1;
        if (Is(i2, "DISTINCT") || Is(i2, "ALL")) i2++;
        for (; i2 <= Tokens.Count; i2++)
        {
            var end = i2 == Tokens.Count || (Groups[i2] == group && (Tokens[i2].Kind is TokenKind.Comma || (Tokens[i2].Kind == TokenKind.CloseParen && GroupOpen[group] >= 0) || Is(i2, "FROM") || Is(i2, "INTO") || Is(i2, "WHERE") || Is(i2, "UNION")));
            if (!end) { item.Add(i2); continue; }
            AddItem(item, group, schema, depth, result);
            item.Clear();
            if (i2 < Tokens.Count && Tokens[i2].Kind != TokenKind.Comma) break;
        }
        return result;
    }

    private void AddItem(List<int> item, int group, SchemaModel? schema, int depth, List<ScopeColumn> result)
    {
        if (item.Count == 0) return;
        var last = item[^1];
        var placeholder = new ScopeRelation(new QualifiedName(null, "?"), null, ScopeRelationKind.Derived, default, null, group);
        if (Tokens[last].Kind == TokenKind.Operator && Text(last) == "*")
        {
            // * or q.*: every column of the body's relations (or of the one named).
            var qualifier = item.Count >= 3 && Tokens[item[^2]].Kind == TokenKind.Dot ? Name(item[^3]) : null;
            foreach (var r in Relations.Where(r => r.Group == group))
                if (qualifier is null || NameComparer.SameName(r.Reference, qualifier))
                    result.AddRange(ColumnsOf(r, schema, depth));
            return;
        }
        if (!IsName(last)) return;
        if (item.Count >= 2 && Is(item[^2], "AS")) { result.Add(new ScopeColumn(Name(last), placeholder, null, null)); return; }
        if (item.Count == 1 || (item.Count >= 3 && Tokens[item[^2]].Kind == TokenKind.Dot))
        {
            // A column as is: its definition when its relation is known.
            var name = Name(last);
            ScopeColumn? found = null;
            if (item.Count >= 3)
            {
                var q = Resolve(Name(item[^3]), group);
                if (q is not null) found = ColumnsOf(q, schema, depth).FirstOrDefault(c => NameComparer.SameName(c.Name, name));
            }
            else
            {
                foreach (var r in Relations.Where(r => r.Group == group))
                    if ((found = ColumnsOf(r, schema, depth).FirstOrDefault(c => NameComparer.SameName(c.Name, name))) is not null) break;
            }
            result.Add(found ?? new ScopeColumn(name, placeholder, null, null));
            return;
        }
        // expression alias (count(*) n)
        var before = Tokens[item[^2]].Kind;
        if (before is TokenKind.CloseParen or TokenKind.Word or TokenKind.QuotedIdentifier or TokenKind.Number or TokenKind.String)
            result.Add(new ScopeColumn(Name(last), placeholder, null, null));
    }
}
