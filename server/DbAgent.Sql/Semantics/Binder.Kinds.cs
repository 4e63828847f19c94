using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Semantics;

internal sealed partial class Binder
{
    private static StatementKind StatementKindOf(SyntaxNode root, IReadOnlyList<Token> tokens, in StatementSlice slice)
    {
        var node = root;
        if (node.ChildCount >= 2 && node[0].Kind == SyntaxKind.WithClause && IsStatementKind(node[1].Kind)) node = node[1];
        switch (node.Kind)
        {
            case SyntaxKind.SelectStatement: return StatementKind.Select;
            case SyntaxKind.InsertStatement: return StatementKind.Insert;
            case SyntaxKind.UpdateStatement: return StatementKind.Update;
            case SyntaxKind.DeleteStatement: return StatementKind.Delete;
            case SyntaxKind.MergeStatement: return StatementKind.Merge;
            case SyntaxKind.TruncateStatement: return StatementKind.Truncate;
            case SyntaxKind.CreateTableStatement: return StatementKind.CreateTable;
            case SyntaxKind.AlterTableStatement: return StatementKind.AlterTable;
            case SyntaxKind.CreateIndexStatement: return StatementKind.CreateIndex;
            case SyntaxKind.AlterIndexStatement: return StatementKind.AlterIndex;
            case SyntaxKind.CreateViewStatement:
                return ((DdlTag)node.Tag & DdlTag.Materialized) != 0 ? StatementKind.CreateMaterializedView : StatementKind.CreateView;
            case SyntaxKind.CreateSequenceStatement: return StatementKind.CreateSequence;
            case SyntaxKind.AlterSequenceStatement: return StatementKind.AlterSequence;
            case SyntaxKind.CreateTypeStatement: return StatementKind.CreateType;
            case SyntaxKind.AlterTypeStatement: return StatementKind.AlterType;
            case SyntaxKind.CreateSchemaStatement: return StatementKind.CreateSchema;
            case SyntaxKind.CreateFunctionStatement: return StatementKind.CreateFunction;
            case SyntaxKind.CreateTriggerStatement: return StatementKind.CreateTrigger;
            case SyntaxKind.TransactionStatement: return StatementKind.Transaction;
            case SyntaxKind.SetStatement: return StatementKind.Set;
            case SyntaxKind.UseStatement: return StatementKind.Use;
            case SyntaxKind.ExplainStatement: return StatementKind.Explain;
            case SyntaxKind.GrantStatement: return StatementKind.Grant;
            case SyntaxKind.CommentStatement: return StatementKind.Comment;
            case SyntaxKind.AnalyzeStatement: return StatementKind.Analyze;
            case SyntaxKind.VacuumStatement: return StatementKind.Vacuum;
            case SyntaxKind.DropStatement:
                return (DropTarget)(node.Tag & 0xF) switch
                {
                    DropTarget.Table => StatementKind.DropTable,
                    DropTarget.View or DropTarget.MaterializedView => StatementKind.DropView,
                    DropTarget.Index => StatementKind.DropIndex,
                    DropTarget.Sequence => StatementKind.DropSequence,
                    DropTarget.Type => StatementKind.DropType,
                    DropTarget.Schema => StatementKind.DropSchema,
                    DropTarget.Function => StatementKind.DropFunction,
                    DropTarget.Trigger => StatementKind.DropTrigger,
                    _ => StatementKind.Other,
                };
        }
        // Opaque: name what we can from the leading words.
        var first = FirstWords(tokens, slice, 2);
        return first switch
        {
            [Kw.ALTER, Kw.VIEW] or [Kw.ALTER, Kw.MATERIALIZED] => StatementKind.AlterView,
            [] => StatementKind.Unknown,
            _ => StatementKind.Other,
        };
    }

    private static Kw[] FirstWords(IReadOnlyList<Token> tokens, in StatementSlice slice, int count)
    {
        var result = new List<Kw>(count);
        for (var i = slice.FirstToken; i <= slice.LastToken && result.Count < count; i++)
        {
            var t = tokens[i];
            if (t.IsTrivia) continue;
            result.Add(t.Keyword);
        }
        return result.ToArray();
    }

    /// <summary>The statement's leading keywords after any WITH clause (DELETE FROM, CREATE UNIQUE INDEX, SELECT).</summary>
    private static TextSpan KeywordSpan(SyntaxNode root, IReadOnlyList<Token> tokens, in StatementSlice slice)
    {
        var from = slice.Span.Start;
        if (root.ChildCount > 0 && root[0].Kind == SyntaxKind.WithClause) from = root[0].Span.End;
        var start = -1;
        var end = -1;
        var words = 0;
        for (var i = slice.FirstToken; i <= slice.LastToken; i++)
        {
            var t = tokens[i];
            if (t.IsTrivia || t.Start < from) continue;
            var kw = t.Keyword;
            if (start < 0)
            {
                start = t.Start;
                end = t.End;
                words++;
                if (kw == Kw.None) break;
                continue;
            }
            if (kw is Kw.None or Kw.TOP || words >= 5 || IsFollowedByCallOrDot(tokens, i, slice.LastToken)) break;
            end = t.End;
            words++;
        }
        return start < 0 ? slice.Span : TextSpan.FromBounds(start, end);
    }

    private static bool IsFollowedByCallOrDot(IReadOnlyList<Token> tokens, int i, int last)
    {
        for (var j = i + 1; j <= last; j++)
        {
            if (tokens[j].IsTrivia) continue;
            return tokens[j].Kind is TokenKind.OpenParen or TokenKind.Dot or TokenKind.Comma or TokenKind.Operator;
        }
        return false;
    }

    private string? Detail(SyntaxNode root, StatementKind kind, IReadOnlyList<Token> tokens, in StatementSlice slice)
    {
        if (kind is not (StatementKind.Transaction or StatementKind.Set or StatementKind.Use)) return null;
        var parts = new List<string>(2);
        for (var i = slice.FirstToken; i <= slice.LastToken && parts.Count < 2; i++)
        {
            var t = tokens[i];
            if (t.IsTrivia) continue;
            if (t.Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier or TokenKind.Parameter)) break;
            parts.Add(kind == StatementKind.Transaction ? _text.Substring(t.Start, t.Length).ToUpperInvariant() : _text.Substring(t.Start, t.Length));
            if (kind == StatementKind.Transaction) break;
        }
        return kind switch
        {
            StatementKind.Transaction => parts.Count > 0 ? parts[0] : null,
            _ => parts.Count > 1 ? parts[1] : null,
        };
    }
}
