using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Semantics;

internal sealed partial class Binder
{
    /// <summary>Splits a condition at AND; each OR at the top of a conjunct gets a group shared by its alternatives.</summary>
    private void CollectPredicates(SyntaxNode condition, PredicateClause clause, Scope? scope)
    {
        var conjuncts = new List<SyntaxNode>(4);
        Flatten(condition, BinaryOperatorKind.And, conjuncts);
        foreach (var c in conjuncts)
        {
            if (c.Kind == SyntaxKind.BinaryExpression && c.Tag == (int)BinaryOperatorKind.Or)
            {
                var group = ++_orGroup;
                var leaves = new List<SyntaxNode>();
                FlattenAll(c, leaves);
                foreach (var leaf in leaves) Classify(leaf, clause, group, scope);
            }
            else Classify(c, clause, null, scope);
        }
    }

    [ThreadStatic]
    private static Stack<SyntaxNode>? t_flattenStack;

    /// <summary>The flattening walks run to completion without nesting, so one stack per thread serves them all.</summary>
    private static Stack<SyntaxNode> FlattenStack()
    {
        var stack = t_flattenStack ??= new Stack<SyntaxNode>();
        stack.Clear();
        return stack;
    }

    private static void Flatten(SyntaxNode node, BinaryOperatorKind op, List<SyntaxNode> into)
    {
        if (node.Kind is not (SyntaxKind.Parenthesized or SyntaxKind.BinaryExpression)) { into.Add(node); return; }
        var stack = FlattenStack();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.Kind == SyntaxKind.Parenthesized && n.ChildCount == 1) { stack.Push(n[0]); continue; }
            if (n.Kind == SyntaxKind.BinaryExpression && n.Tag == (int)op)
            {
                for (var i = n.ChildCount - 1; i >= 0; i--) stack.Push(n[i]);
                continue;
            }
            into.Add(n);
        }
    }

    /// <summary>Every comparison under an OR (through nested ANDs and ORs).</summary>
    private static void FlattenAll(SyntaxNode node, List<SyntaxNode> into)
    {
        var stack = FlattenStack();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.Kind == SyntaxKind.Parenthesized && n.ChildCount == 1) { stack.Push(n[0]); continue; }
            if (n.Kind == SyntaxKind.BinaryExpression && n.Tag is (int)BinaryOperatorKind.And or (int)BinaryOperatorKind.Or)
            {
                for (var i = n.ChildCount - 1; i >= 0; i--) stack.Push(n[i]);
                continue;
            }
            into.Add(n);
        }
    }

    /// <summary>An operand seen by index work: a bare column, a column inside a function or cast, or something else.</summary>
    private readonly record struct Operand(ColumnReference? Column, string? Function, bool IsColumnFree);

    private Operand OperandOf(SyntaxNode node, Scope? scope)
    {
        while (node.Kind == SyntaxKind.Parenthesized && node.ChildCount == 1) node = node[0];
        switch (node.Kind)
        {
            case SyntaxKind.ColumnReference:
                return new Operand(ResolveColumn(node, scope), null, false);
            case SyntaxKind.Cast:
            {
                var inner = WrappedColumn(node, scope);
                if (inner is not null)
                {
                    var type = node.Child(SyntaxKind.DataType);
                    var fn = node.Tag == 1 ? "::" + (type.IsNull ? "" : TextOf(type)) : "CAST";
                    return new Operand(inner, fn, false);
                }
                return new Operand(null, null, !ContainsColumn(node));
            }
            case SyntaxKind.FunctionCall or SyntaxKind.Collate:
            {
                var inner = WrappedColumn(node, scope);
                if (inner is not null)
                {
                    var name = node.Kind == SyntaxKind.Collate ? "COLLATE" : FunctionName(node);
                    return new Operand(inner, name, false);
                }
                return new Operand(null, null, !ContainsColumn(node));
            }
            case SyntaxKind.BinaryExpression when node.Tag == (int)BinaryOperatorKind.Other:
            {
                // a + 1 = ?, col || 'x': the column is wrapped in an expression.
                var inner = WrappedColumn(node, scope);
                if (inner is not null) return new Operand(inner, node.ChildCount > 1 && node[1].Kind == SyntaxKind.Operator ? TextOf(node[1]) : "expression", false);
                return new Operand(null, null, !ContainsColumn(node));
            }
        }
        return new Operand(null, null, !ContainsColumn(node));
    }

    private string FunctionName(SyntaxNode call)
    {
        var name = call.Child(SyntaxKind.Name);
        return name.IsNull ? "function" : TextOf(name);
    }

    /// <summary>The first column directly under a function, cast or arithmetic (not inside a subquery).</summary>
    private ColumnReference? WrappedColumn(SyntaxNode node, Scope? scope)
    {
        var stack = _work;
        var floor = stack.Count;
        for (var i = node.ChildCount - 1; i >= 0; i--) stack.Add(node[i]);
        while (stack.Count > floor)
        {
            var n = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            if (n.Kind == SyntaxKind.ColumnReference) { stack.RemoveRange(floor, stack.Count - floor); return ResolveColumn(n, scope); }
            if (n.Kind is SyntaxKind.Subquery or SyntaxKind.Name or SyntaxKind.DataType or SyntaxKind.WindowSpecification) continue;
            for (var i = n.ChildCount - 1; i >= 0; i--) stack.Add(n[i]);
        }
        return null;
    }

    private bool ContainsColumn(SyntaxNode node)
    {
        if (node.Kind is SyntaxKind.Literal or SyntaxKind.Parameter) return false;
        var stack = _work;
        var floor = stack.Count;
        stack.Add(node);
        while (stack.Count > floor)
        {
            var n = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            if (n.Kind == SyntaxKind.ColumnReference) { stack.RemoveRange(floor, stack.Count - floor); return true; }
            for (var i = n.ChildCount - 1; i >= 0; i--) stack.Add(n[i]);
        }
        return false;
    }

    private void Classify(SyntaxNode node, PredicateClause clause, int? group, Scope? scope)
    {
        while (node.Kind == SyntaxKind.Parenthesized && node.ChildCount == 1) node = node[0];
        Predicate? p = null;
        switch (node.Kind)
        {
            case SyntaxKind.BinaryExpression when node.Tag == (int)BinaryOperatorKind.Compare && node.ChildCount >= 3 && node[1].Kind == SyntaxKind.Operator:
                p = Comparison(node, node[0], OperatorText(node[1]), node[2], scope);
                break;
            case SyntaxKind.BinaryExpression when node.Tag == (int)BinaryOperatorKind.Compare && node.ChildCount == 2:
                // IS [NOT] DISTINCT FROM, IS TRUE ...
                p = new Predicate(PredicateKind.Other, OperandOf(node[0], scope).Column, node.Span) { Operator = "IS" };
                break;
            case SyntaxKind.Between when node.ChildCount >= 1:
            {
                var o = OperandOf(node[0], scope);
                var kind = node.Tag == 1 ? PredicateKind.Other : o.Function is not null ? PredicateKind.FunctionWrapped : PredicateKind.Between;
                p = new Predicate(kind, o.Column, node.Span) { Operator = node.Tag == 1 ? "NOT BETWEEN" : "BETWEEN", Function = o.Function };
                break;
            }
            case SyntaxKind.InList or SyntaxKind.InSubquery when node.ChildCount >= 1:
            {
                var o = OperandOf(node[0], scope);
                var kind = node.Tag == 1 ? PredicateKind.Other
                    : o.Function is not null ? PredicateKind.FunctionWrapped
                    : node.Kind == SyntaxKind.InList ? PredicateKind.InList : PredicateKind.InSubquery;
                p = new Predicate(kind, o.Column, node.Span) { Operator = node.Tag == 1 ? "NOT IN" : "IN", Function = o.Function };
                break;
            }
            case SyntaxKind.Like when node.ChildCount >= 3:
            {
                var o = OperandOf(node[0], scope);
                var op = TextOf(node[1]).ToUpperInvariant();
                var kind = node.Tag == 1 ? PredicateKind.Other
                    : o.Function is not null ? PredicateKind.FunctionWrapped
                    : LikeKind(op, node[2]);
                p = new Predicate(kind, o.Column, node.Span) { Operator = node.Tag == 1 ? "NOT " + op : op, Function = o.Function };
                break;
            }
            case SyntaxKind.IsNull when node.ChildCount >= 1:
            {
                var o = OperandOf(node[0], scope);
                var kind = o.Function is not null ? PredicateKind.FunctionWrapped : node.Tag == 1 ? PredicateKind.IsNotNull : PredicateKind.IsNull;
                p = new Predicate(kind, o.Column, node.Span) { Operator = node.Tag == 1 ? "IS NOT NULL" : "IS NULL", Function = o.Function };
                break;
            }
            case SyntaxKind.Exists:
                p = new Predicate(PredicateKind.Exists, null, node.Span) { Operator = "EXISTS" };
                break;
            case SyntaxKind.ColumnReference:
                p = new Predicate(PredicateKind.Other, ResolveColumn(node, scope), node.Span);
                break;
            case SyntaxKind.UnaryExpression:
                p = new Predicate(PredicateKind.Other, null, node.Span) { Operator = "NOT" };
                break;
            default:
                if (node.IsNull || node.IsMissing || node.Kind is SyntaxKind.Literal or SyntaxKind.Parameter) return;
                p = new Predicate(PredicateKind.Other, null, node.Span);
                break;
        }
        _predicates.Add(p with { OrGroup = group, Clause = clause });
    }

    private Predicate Comparison(SyntaxNode node, SyntaxNode leftNode, string op, SyntaxNode rightNode, Scope? scope)
    {
        var left = OperandOf(leftNode, scope);
        var right = OperandOf(rightNode, scope);
        // Keep the column on the left.
        if (left.Column is null && right.Column is not null)
        {
            (left, right) = (right, left);
            op = Mirror(op);
        }
        if (left.Column is null) return new Predicate(PredicateKind.Other, null, node.Span) { Operator = op };

        if (right.Column is not null)
        {
            var differentRelations = left.Column.Relation is not null && right.Column.Relation is not null
                ? !ReferenceEquals(left.Column.Relation, right.Column.Relation)
                : !NameComparer.SameName(left.Column.Qualifier, right.Column.Qualifier);
            if (differentRelations && left.Function is null && right.Function is null)
                return new Predicate(PredicateKind.Join, left.Column, node.Span) { Operator = op, OtherColumn = right.Column };
            if (left.Function is not null || right.Function is not null)
                return new Predicate(PredicateKind.FunctionWrapped, left.Function is not null ? left.Column : right.Column, node.Span)
                    { Operator = op, OtherColumn = left.Function is not null ? right.Column : left.Column, Function = left.Function ?? right.Function };
            return new Predicate(PredicateKind.Other, left.Column, node.Span) { Operator = op, OtherColumn = right.Column };
        }

        if (left.Function is not null)
            return new Predicate(PredicateKind.FunctionWrapped, left.Column, node.Span) { Operator = op, Function = left.Function };

        var r = rightNode;
        while (r.Kind == SyntaxKind.Parenthesized && r.ChildCount == 1) r = r[0];
        if (r.Kind == SyntaxKind.AnyAll && op == "=")
        {
            var isSubquery = r.ChildCount > 0 && r[0].Kind == SyntaxKind.Subquery;
            var word = TextOf(r).AsSpan().TrimStart();
            var any = word.StartsWith("ANY", StringComparison.OrdinalIgnoreCase) || word.StartsWith("SOME", StringComparison.OrdinalIgnoreCase);
            if (any) return new Predicate(isSubquery ? PredicateKind.InSubquery : PredicateKind.InList, left.Column, node.Span) { Operator = "= ANY" };
        }
        var kind = op switch
        {
            "=" or "==" or "<=>" => PredicateKind.Equality,
            "<>" or "!=" => PredicateKind.NotEqual,
            "<" or ">" or "<=" or ">=" or "!<" or "!>" => PredicateKind.Range,
            _ => PredicateKind.Other,
        };
        return new Predicate(kind, left.Column, node.Span) { Operator = op };
    }

    private string OperatorText(SyntaxNode op)
    {
        var span = _text.AsSpan(op.Span.Start, op.Span.Length);
        return span switch
        {
            "=" => "=", "<" => "<", ">" => ">", "<=" => "<=", ">=" => ">=", "<>" => "<>", "!=" => "!=",
            _ => span.ToString(),
        };
    }

    private static string Mirror(string op) => op switch
    {
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        "!<" => "!>",
        "!>" => "!<",
        _ => op,
    };

    /// <summary>'abc%' can use an index (prefix); '%abc' cannot (infix). Non-literal patterns are unknown.</summary>
    private PredicateKind LikeKind(string op, SyntaxNode pattern)
    {
        while (pattern.Kind == SyntaxKind.Parenthesized && pattern.ChildCount == 1) pattern = pattern[0];
        if (op is "REGEXP" or "RLIKE" or "SIMILAR" or "MATCH") return PredicateKind.Other;
        if (pattern.Kind != SyntaxKind.Literal) return PredicateKind.Other;
        var text = TextOf(pattern);
        var quote = text.IndexOf('\'');
        if (quote < 0) return PredicateKind.Other;
        var body = text.AsSpan(quote + 1);
        if (body.Length == 0) return PredicateKind.Other;
        var wildcard = op == "GLOB" ? body[0] is '*' or '?' or '[' : body[0] is '%' or '_';
        return wildcard ? PredicateKind.LikeInfix : PredicateKind.LikePrefix;
    }
}
