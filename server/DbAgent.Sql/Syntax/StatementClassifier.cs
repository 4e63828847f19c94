using DbAgent.Sql.Lexing;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Syntax;

/// <summary>
/// Builds a statement's model from its tokens: its kind from the leading keywords (after any WITH clause), the
/// WHERE clause of its outermost query, and the target relation of DML. The full parser refines this model.
/// </summary>
internal static class StatementClassifier
{
    public static StatementModel Classify(string text, IReadOnlyList<Token> tokens, StatementSlice slice, SqlDialect dialect)
    {
        var cursor = new Cursor(text, tokens, slice);
        var head = cursor.Index;
        if (cursor.IsWord("WITH")) cursor.SkipWithClause();
        var kindStart = cursor.Index;
        var kind = KindFrom(ref cursor);
        var keywordEnd = Math.Max(cursor.Index - 1, kindStart);
        var keywordSpan = kindStart <= slice.LastToken
            ? TextSpan.FromBounds(tokens[kindStart].Start, tokens[Math.Min(keywordEnd, slice.LastToken)].End)
            : slice.Span;

        var relations = new List<RelationReference>();
        if (kind is StatementKind.Update or StatementKind.Delete or StatementKind.Insert or StatementKind.Truncate)
        {
            var target = ReadName(ref cursor, out var span);
            if (target is not null) relations.Add(new RelationReference(target, null, span, RelationRole.Written));
        }

        var (hasWhere, whereSpan) = FindTopLevelWhere(text, tokens, slice, Math.Max(head, kindStart));
        return new StatementModel
        {
            Kind = kind,
            Span = slice.Span,
            KeywordSpan = keywordSpan,
            Relations = relations,
            HasWhere = hasWhere,
            WhereSpan = whereSpan,
            IsOpaque = kind is StatementKind.Unknown or StatementKind.Other,
        };
    }

    private static StatementKind KindFrom(ref Cursor c)
    {
        if (c.TakeWord("SELECT") || c.IsWord("VALUES") || c.IsWord("TABLE") || c.Is(TokenKind.OpenParen)) return StatementKind.Select;
        if (c.TakeWord("INSERT") || c.TakeWord("REPLACE"))
        {
            c.TakeWord("IGNORE");
            c.TakeWord("INTO");
            return StatementKind.Insert;
        }
        if (c.TakeWord("UPDATE"))
        {
            c.TakeWord("LOW_PRIORITY");
            c.TakeWord("IGNORE");
            c.TakeWord("ONLY");
            if (c.IsWord("TOP")) c.SkipTop();
            return StatementKind.Update;
        }
        if (c.TakeWord("DELETE"))
        {
            c.TakeWord("LOW_PRIORITY");
            c.TakeWord("QUICK");
            c.TakeWord("IGNORE");
            if (c.IsWord("TOP")) c.SkipTop();
            c.TakeWord("FROM");
            c.TakeWord("ONLY");
            return StatementKind.Delete;
        }
        if (c.TakeWord("MERGE")) return StatementKind.Merge;
        if (c.TakeWord("TRUNCATE"))
        {
            c.TakeWord("TABLE");
            c.TakeWord("ONLY");
            return StatementKind.Truncate;
        }
        if (c.TakeWord("CREATE")) return CreateKind(ref c);
        if (c.TakeWord("ALTER"))
        {
            if (c.TakeWord("TABLE")) return StatementKind.AlterTable;
            if (c.TakeWord("INDEX")) return StatementKind.AlterIndex;
            if (c.TakeWord("VIEW")) return StatementKind.AlterView;
            if (c.TakeWord("SEQUENCE")) return StatementKind.AlterSequence;
            if (c.TakeWord("TYPE")) return StatementKind.AlterType;
            return StatementKind.Other;
        }
        if (c.TakeWord("DROP"))
        {
            if (c.TakeWord("TABLE")) return StatementKind.DropTable;
            if (c.TakeWord("INDEX")) return StatementKind.DropIndex;
            if (c.TakeWord("VIEW")) return StatementKind.DropView;
            if (c.TakeWord("MATERIALIZED")) { c.TakeWord("VIEW"); return StatementKind.DropView; }
            if (c.TakeWord("SEQUENCE")) return StatementKind.DropSequence;
            if (c.TakeWord("TYPE")) return StatementKind.DropType;
            if (c.TakeWord("SCHEMA")) return StatementKind.DropSchema;
            if (c.TakeWord("FUNCTION") || c.TakeWord("PROCEDURE")) return StatementKind.DropFunction;
            if (c.TakeWord("TRIGGER")) return StatementKind.DropTrigger;
            return StatementKind.Other;
        }
        if (c.TakeWord("BEGIN") || c.TakeWord("START") || c.TakeWord("COMMIT") || c.TakeWord("ROLLBACK") || c.TakeWord("SAVEPOINT")
            || c.TakeWord("RELEASE") || c.TakeWord("END") || c.TakeWord("ABORT"))
            return StatementKind.Transaction;
        if (c.TakeWord("SET") || c.TakeWord("RESET") || c.TakeWord("PRAGMA")) return StatementKind.Set;
        if (c.TakeWord("USE")) return StatementKind.Use;
        if (c.TakeWord("EXPLAIN")) return StatementKind.Explain;
        if (c.TakeWord("GRANT") || c.TakeWord("REVOKE")) return StatementKind.Grant;
        if (c.TakeWord("COMMENT")) return StatementKind.Comment;
        if (c.TakeWord("ANALYZE") || c.TakeWord("ANALYSE")) return StatementKind.Analyze;
        if (c.TakeWord("VACUUM")) return StatementKind.Vacuum;
        return c.AtEnd ? StatementKind.Unknown : StatementKind.Other;
    }

    private static StatementKind CreateKind(ref Cursor c)
    {
        if (c.TakeWord("OR"))
        {
            c.TakeWord("REPLACE");
            c.TakeWord("ALTER");
        }
        c.TakeWord("TEMPORARY");
        c.TakeWord("TEMP");
        c.TakeWord("UNLOGGED");
        c.TakeWord("UNIQUE");
        c.TakeWord("CLUSTERED");
        c.TakeWord("NONCLUSTERED");
        if (c.TakeWord("TABLE")) return StatementKind.CreateTable;
        if (c.TakeWord("INDEX")) return StatementKind.CreateIndex;
        if (c.TakeWord("VIEW")) return StatementKind.CreateView;
        if (c.TakeWord("MATERIALIZED")) { c.TakeWord("VIEW"); return StatementKind.CreateMaterializedView; }
        if (c.TakeWord("SEQUENCE")) return StatementKind.CreateSequence;
        if (c.TakeWord("TYPE")) return StatementKind.CreateType;
        if (c.TakeWord("SCHEMA") || c.TakeWord("DATABASE")) return StatementKind.CreateSchema;
        if (c.TakeWord("FUNCTION") || c.TakeWord("PROCEDURE") || c.TakeWord("PROC")) return StatementKind.CreateFunction;
        if (c.TakeWord("TRIGGER")) return StatementKind.CreateTrigger;
        return StatementKind.Other;
    }

    private static QualifiedName? ReadName(ref Cursor c, out TextSpan span)
    {
        span = default;
        if (!c.IsName) return null;
        var start = c.Current.Start;
        var parts = new List<string> { c.NameText() };
        var end = c.Current.End;
        c.Advance();
        while (c.Is(TokenKind.Dot))
        {
            c.Advance();
            if (!c.IsName) break;
            parts.Add(c.NameText());
            end = c.Current.End;
            c.Advance();
        }
        span = TextSpan.FromBounds(start, end);
        return parts.Count == 1 ? new QualifiedName(null, parts[0]) : new QualifiedName(parts[^2], parts[^1]);
    }

    private static (bool, TextSpan?) FindTopLevelWhere(string text, IReadOnlyList<Token> tokens, StatementSlice slice, int from)
    {
        var depth = 0;
        for (var i = from; i <= slice.LastToken; i++)
        {
            var t = tokens[i];
            if (t.Kind == TokenKind.OpenParen) depth++;
            else if (t.Kind == TokenKind.CloseParen) depth = Math.Max(0, depth - 1);
            else if (depth == 0 && t.IsWord(text, "WHERE"))
            {
                // WHERE CURRENT OF cursor still restricts to one row.
                return (true, TextSpan.FromBounds(t.Start, tokens[slice.LastToken].End));
            }
        }
        return (false, null);
    }

    /// <summary>Walks the significant tokens of one statement.</summary>
    private ref struct Cursor
    {
        private readonly string _text;
        private readonly IReadOnlyList<Token> _tokens;
        private readonly int _last;

        public Cursor(string text, IReadOnlyList<Token> tokens, StatementSlice slice)
        {
            _text = text;
            _tokens = tokens;
            _last = slice.LastToken;
            Index = slice.FirstToken;
            SkipTrivia();
        }

        public int Index { get; private set; }
        public readonly bool AtEnd => Index > _last;
        public readonly Token Current => AtEnd ? default : _tokens[Index];

        public readonly bool Is(TokenKind kind) => !AtEnd && Current.Kind == kind;
        public readonly bool IsWord(string word) => !AtEnd && Current.IsWord(_text, word);
        public readonly bool IsName => !AtEnd && Current.Kind is TokenKind.Word or TokenKind.QuotedIdentifier;

        public readonly string NameText()
        {
            var t = Current;
            if (t.Kind != TokenKind.QuotedIdentifier) return _text.Substring(t.Start, t.Length);
            var inner = _text.Substring(t.Start + 1, Math.Max(0, t.Length - (t.IsUnterminated ? 1 : 2)));
            return _text[t.Start] switch
            {
                '"' => inner.Replace("\"\"", "\""),
                '`' => inner.Replace("``", "`"),
                '[' => inner.Replace("]]", "]"),
                _ => inner,
            };
        }

        public void Advance()
        {
            Index++;
            SkipTrivia();
        }

        public bool TakeWord(string word)
        {
            if (!IsWord(word)) return false;
            Advance();
            return true;
        }

        /// <summary>Skips WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (...) [, ...].</summary>
        public void SkipWithClause()
        {
            Advance();
            while (!AtEnd)
            {
                if (Is(TokenKind.OpenParen)) { SkipParens(); continue; }
                if (Is(TokenKind.Comma)) { Advance(); continue; }
                if (Current.Kind == TokenKind.Word && (IsWord("SELECT") || IsWord("INSERT") || IsWord("UPDATE") || IsWord("DELETE") || IsWord("MERGE") || IsWord("VALUES")))
                    return;
                Advance();
            }
        }

        /// <summary>T-SQL TOP (n) [PERCENT].</summary>
        public void SkipTop()
        {
            Advance();
            if (Is(TokenKind.OpenParen)) SkipParens();
            else if (!AtEnd) Advance();
            TakeWord("PERCENT");
        }

        private void SkipParens()
        {
            var depth = 0;
            while (!AtEnd)
            {
                if (Is(TokenKind.OpenParen)) depth++;
                else if (Is(TokenKind.CloseParen) && --depth == 0) { Advance(); return; }
                Advance();
            }
        }

        private void SkipTrivia()
        {
            while (Index <= _last && _tokens[Index].IsTrivia) Index++;
        }
    }
}
