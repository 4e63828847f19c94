using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;

namespace DbAgent.Databases.Plans;

/// <summary>
/// alias → table of a statement, so that plans printing only the alias (MySQL/MariaDB table_name, SQLite since
/// 3.36) name the table. From the semantic model's relations, completed by a look at `FROM/JOIN name [AS] alias`.
/// </summary>
public static class StatementAliases
{
    private static readonly HashSet<string> NotAnAlias = new(StringComparer.OrdinalIgnoreCase)
    {
        "WHERE", "JOIN", "ON", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "GROUP", "ORDER", "LIMIT", "SET", "USING", "NATURAL", "OUTER",
        "UNION", "HAVING", "WINDOW", "OFFSET", "FETCH", "FOR", "RETURNING", "VALUES", "WITH", "EXCEPT", "INTERSECT", "STRAIGHT_JOIN",
        "USE", "FORCE", "IGNORE", "LATERAL", "INDEXED", "NOT", "TABLESAMPLE", "PARTITION", "AS", "SELECT", "DEFAULT",
    };

    public static Dictionary<string, string> Of(string sql, SqlDialect dialect)
    {
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var script = SqlScript.Parse(sql, dialect);
        foreach (var relation in script.Statements.SelectMany(s => s.Model.Relations).Where(r => r.Alias is not null && !r.IsCommonTableExpression))
            aliases.TryAdd(relation.Alias!, relation.Name.Name);

        var tokens = script.Tokens.Where(t => !t.IsTrivia).ToList();
        string Text(Token t) => sql.Substring(t.Start, t.Length);
        string Unquote(string s) => s.Length >= 2 && s[0] is '"' or '`' or '[' ? s[1..^1] : s;
        // One FROM item: name[.name] [AS] alias.
        void ReadItem(int j)
        {
            if (j >= tokens.Count || tokens[j].Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier) || NotAnAlias.Contains(Text(tokens[j])))
                return;
            var name = Unquote(Text(tokens[j]));
            j++;
            while (j + 1 < tokens.Count && tokens[j].Kind == TokenKind.Dot && tokens[j + 1].Kind is TokenKind.Word or TokenKind.QuotedIdentifier)
            {
                name = Unquote(Text(tokens[j + 1]));
                j += 2;
            }
            if (j < tokens.Count && tokens[j].Kind == TokenKind.Word && Text(tokens[j]).Equals("AS", StringComparison.OrdinalIgnoreCase))
                j++;
            if (j < tokens.Count && tokens[j].Kind is TokenKind.Word or TokenKind.QuotedIdentifier && !NotAnAlias.Contains(Text(tokens[j])))
                aliases.TryAdd(Unquote(Text(tokens[j])), name);
        }

        var depth = 0;
        var fromDepth = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case TokenKind.OpenParen:
                    depth++;
                    continue;
                case TokenKind.CloseParen:
                    depth--;
                    if (depth < fromDepth)
                        fromDepth = -1;
                    continue;
                case TokenKind.Comma when depth == fromDepth:
                    ReadItem(i + 1); // FROM a x, b y
                    continue;
                case TokenKind.Word:
                    var word = Text(token);
                    if (word.Equals("FROM", StringComparison.OrdinalIgnoreCase) || word.Equals("JOIN", StringComparison.OrdinalIgnoreCase) ||
                        word.Equals("UPDATE", StringComparison.OrdinalIgnoreCase))
                    {
                        if (!word.Equals("JOIN", StringComparison.OrdinalIgnoreCase))
                            fromDepth = depth;
                        ReadItem(i + 1);
                    }
                    else if (depth == fromDepth && word.ToUpperInvariant() is "WHERE" or "GROUP" or "ORDER" or "HAVING" or "LIMIT" or "UNION" or "SET" or "RETURNING" or "WINDOW" or "EXCEPT" or "INTERSECT")
                        fromDepth = -1;
                    continue;
            }
        }
        return aliases;
    }
}
