using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Rules.Dml;

/// <summary>
/// UPDATE or DELETE that no WHERE restricts. <c>WHERE CURRENT OF</c> is a WHERE; TRUNCATE is another statement kind
/// and not this rule. Where the target table itself takes part in an inner join with a condition (MySQL multi-table
/// forms, T-SQL <c>FROM t JOIN u ON</c>), the join restricts the rows and the statement is not reported. TOP and
/// LIMIT only cap how many rows change, not which, so they do not count as a restriction.
/// </summary>
public abstract class WherelessDmlRule : ILintRule
{
    private readonly StatementKind _kind;
    private readonly string _verb;
    private readonly string _effect;

    private protected WherelessDmlRule(RuleDescriptor descriptor, StatementKind kind, string verb, string effect)
    {
        Descriptor = descriptor;
        _kind = kind;
        _verb = verb;
        _effect = effect;
    }

    public RuleDescriptor Descriptor { get; }

    public IEnumerable<Finding> Analyze(LintContext context)
    {
        var model = context.Model;
        if (model.Kind != _kind || model.HasWhere) yield break;

        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var verbAt = -1;
        for (var i = 0; i < significant.Count; i++)
        {
            if (significant[i].Depth == 0 && tokens.IsWord(significant[i].Token, _verb)) { verbAt = i; break; }
        }
        if (verbAt < 0) yield break;

        // A WHERE at the statement's top level after the verb is the statement's own (subqueries sit in parentheses):
        // a safety net for forms the model did not read (MySQL DELETE t1.*, t2.* FROM ... WHERE).
        if (significant.Skip(verbAt + 1).Any(t => t.Depth == 0 && tokens.IsWord(t.Token, "WHERE"))) yield break;

        var dialect = context.Script.Dialect;
        // T-SQL UPDATE STATISTICS refreshes optimizer statistics; it changes no rows.
        if (_kind == StatementKind.Update && verbAt + 1 < significant.Count && tokens.IsWord(significant[verbAt + 1].Token, "STATISTICS"))
            yield break;

        // Every UPDATE has a SET: without one this is another statement's UPDATE keyword (T-SQL START UPDATE POPULATION).
        if (_kind == StatementKind.Update && !significant.Skip(verbAt + 1).Any(t => t.Depth == 0 && tokens.IsWord(t.Token, "SET")))
            yield break;
        // T-SQL pass-through targets (OPENQUERY, OPENROWSET): the remote query chooses the rows.
        if (significant.Skip(verbAt + 1).Take(2).Any(t => tokens.IsWord(t.Token, "OPENQUERY") || tokens.IsWord(t.Token, "OPENROWSET") || tokens.IsWord(t.Token, "OPENDATASOURCE")))
            yield break;

        var targets = model.Targets.Where(t => !t.IsCommonTableExpression).Select(t => t.Name).ToList();
        // Emptying a T-SQL temporary table or table variable is routine and harms nobody.
        if (targets.Count > 0 && targets.All(t => t.Name.StartsWith('#') || t.Name.StartsWith('@'))) yield break;
        if (verbAt + 1 < significant.Count && significant[verbAt + 1].Token.Kind == TokenKind.Parameter && dialect == SqlDialect.TSql)
            yield break;

        if (dialect is SqlDialect.MySql or SqlDialect.TSql && HasRestrictingJoin(tokens, significant, verbAt)) yield break;

        var what = targets.Count == 0 ? "the table" : string.Join(", ", targets.Select(t => t.ToString()));
        var message = IsCapped(tokens, significant, verbAt, out var cap)
            ? $"{_verb} without a WHERE clause: {cap} only caps how many rows of {what} it {_effect}s, not which."
            : $"{_verb} without a WHERE clause {_effect}s every row of {what}.";
        yield return context.Report(Descriptor, model.Span, message) with
        {
            Data = targets.Count == 0
                ? new Dictionary<string, string>()
                : new Dictionary<string, string> { ["table"] = targets[0].ToString() },
        };
    }

    /// <summary>An inner join (JOIN, INNER JOIN, STRAIGHT_JOIN) with an ON or USING condition at the top level.</summary>
    private static bool HasRestrictingJoin(StatementTokens tokens, IReadOnlyList<(Token Token, int Depth)> significant, int from)
    {
        for (var i = from + 1; i < significant.Count; i++)
        {
            var (token, depth) = significant[i];
            if (depth != 0) continue;
            var isJoin = tokens.IsWord(token, "JOIN") || tokens.IsWord(token, "STRAIGHT_JOIN");
            if (!isJoin) continue;
            var previous = significant[i - 1].Token;
            if (tokens.IsWord(previous, "LEFT") || tokens.IsWord(previous, "RIGHT") || tokens.IsWord(previous, "FULL")
                || tokens.IsWord(previous, "OUTER") || tokens.IsWord(previous, "CROSS") || tokens.IsWord(previous, "NATURAL"))
                continue;
            for (var j = i + 1; j < significant.Count; j++)
            {
                var (next, nextDepth) = significant[j];
                if (nextDepth != 0) continue;
                if (tokens.IsWord(next, "JOIN") || tokens.IsWord(next, "STRAIGHT_JOIN")) break;
                if (tokens.IsWord(next, "ON") || tokens.IsWord(next, "USING")) return true;
            }
        }
        return false;
    }

    /// <summary>T-SQL TOP (n) right after the verb, or a top-level MySQL LIMIT.</summary>
    private static bool IsCapped(StatementTokens tokens, IReadOnlyList<(Token Token, int Depth)> significant, int verbAt, out string cap)
    {
        if (verbAt + 1 < significant.Count && tokens.IsWord(significant[verbAt + 1].Token, "TOP"))
        {
            cap = "TOP";
            return true;
        }
        for (var i = verbAt + 1; i < significant.Count; i++)
        {
            if (significant[i].Depth == 0 && tokens.IsWord(significant[i].Token, "LIMIT"))
            {
                cap = "LIMIT";
                return true;
            }
        }
        cap = "";
        return false;
    }
}

public sealed class UpdateWithoutWhereRule() : WherelessDmlRule(CoreRules.UpdateWithoutWhere, StatementKind.Update, "UPDATE", "change");

public sealed class DeleteWithoutWhereRule() : WherelessDmlRule(CoreRules.DeleteWithoutWhere, StatementKind.Delete, "DELETE", "remove");
