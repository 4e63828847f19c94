using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Text;
using StreamJsonRpc;

namespace DbAgent.Server.Features.CodeActions;

/// <summary>
/// textDocument/codeAction: quick fixes for the findings under the requested range: the fix a rule has (a WHERE
/// clause for UPDATE/DELETE), and "ignore this rule for this statement" for every rule.
/// </summary>
public sealed class CodeActionHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.CodeAction, UseSingleObjectParameterDeserialization = true)]
    public async Task<IReadOnlyList<CodeAction>> CodeActionAsync(CodeActionParams parameters, CancellationToken cancellationToken)
    {
        if (parameters.Context.Only is { Count: > 0 } only && !only.Any(k => k == CodeActionKind.QuickFix || CodeActionKind.QuickFix.StartsWith(k + ".", StringComparison.Ordinal)))
            return [];
        var snapshot = await context.Documents.GetAsync(parameters.TextDocument.Uri, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return [];

        var requested = snapshot.Text.ToSpan(parameters.Range);
        var published = context.Diagnostics.LastPublished(snapshot.Uri);
        var findings = published?.Version == snapshot.Version ? published.Findings : context.Diagnostics.Analyze(snapshot, cancellationToken);

        var actions = new List<CodeAction>();
        foreach (var finding in findings.Where(f => f.Span.IntersectsWith(requested)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var diagnostic = DiagnosticsPublisher.ToDiagnostic(snapshot, finding);
            if (AddWhere(snapshot, finding, diagnostic) is { } addWhere) actions.Add(addWhere);
            if (Ignore(snapshot, finding, diagnostic) is { } ignore) actions.Add(ignore);
        }
        return actions;
    }

    /// <summary>Appends a WHERE with a placeholder condition: the statement then fails to run until the user writes one, which is the point.</summary>
    private static CodeAction? AddWhere(DocumentSnapshot snapshot, Finding finding, Diagnostic diagnostic)
    {
        if (finding.RuleId != CoreRules.DeleteWithoutWhere.Id && finding.RuleId != CoreRules.UpdateWithoutWhere.Id) return null;
        var statement = snapshot.Script.StatementAt(finding.Span.Start);
        if (statement is null) return null;
        var end = statement.Model.Span.End;
        return new CodeAction
        {
            Title = "Add WHERE clause",
            Diagnostics = [diagnostic],
            IsPreferred = true,
            Edit = Edit(snapshot, TextSpan.FromBounds(end, end), " WHERE /* condition */"),
        };
    }

    /// <summary>Inserts `-- dbagent-ignore rule-id` on its own line above the statement, at the statement's indentation.</summary>
    private static CodeAction? Ignore(DocumentSnapshot snapshot, Finding finding, Diagnostic diagnostic)
    {
        if (finding.RuleId == CoreRules.SyntaxError.Id) return null;
        var statement = snapshot.Script.StatementAt(finding.Span.Start);
        if (statement is null) return null;
        var text = snapshot.Text;
        var line = text.GetLinePosition(statement.Span.Start).Line;
        var lineStart = text.GetLineStart(line);
        var indent = 0;
        while (lineStart + indent < statement.Span.Start && text[lineStart + indent] is ' ' or '\t') indent++;
        var newline = text.Text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var comment = "-- dbagent-ignore " + finding.RuleId;
        // Another statement shares the line: break the line so that the comment stands alone before this one.
        var (at, insert) = lineStart + indent < statement.Span.Start
            ? (statement.Span.Start, newline + comment + newline)
            : (lineStart, text.Text.Substring(lineStart, indent) + comment + newline);
        return new CodeAction
        {
            Title = $"Ignore {finding.RuleId} for this statement",
            Diagnostics = [diagnostic],
            Edit = Edit(snapshot, new TextSpan(at, 0), insert),
        };
    }

    private static WorkspaceEdit Edit(DocumentSnapshot snapshot, TextSpan span, string newText) =>
        new(new Dictionary<string, IReadOnlyList<TextEdit>> { [snapshot.Uri] = [new TextEdit(snapshot.Text.ToRange(span), newText)] });
}
