using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Workspace;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;
using StreamJsonRpc;

namespace DbAgent.Server.Features.CodeActions;

/// <summary>
/// textDocument/codeAction: quick fixes for the findings under the requested range: the fix a rule has (a WHERE
/// clause for UPDATE/DELETE), and "ignore this rule for this statement" for every rule.
/// </summary>
[LspHandler(mutatesState: false)]
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
            // The rule's own mechanical fixes (add CONCURRENTLY, IS NULL, NOT VALID + VALIDATE, SET lock_timeout, ...).
            foreach (var fix in finding.Fixes)
            {
                if (fix.Edits.Any(e => e.Span.End > snapshot.Text.Length)) continue;
                actions.Add(new CodeAction
                {
                    Title = fix.Title,
                    Diagnostics = [diagnostic],
                    IsPreferred = finding.Fixes.Count == 1,
                    Edit = new WorkspaceEdit(new Dictionary<string, IReadOnlyList<TextEdit>>
                    {
                        [snapshot.Uri] = fix.Edits.Select(e => new TextEdit(snapshot.Text.ToRange(e.Span), e.NewText)).ToList(),
                    }),
                });
            }
            if (IndexFor(snapshot, finding) is { } index)
                actions.Add(await CreateIndexAsync(snapshot, finding, diagnostic, index, cancellationToken).ConfigureAwait(false));
            if (Ignore(snapshot, finding, diagnostic) is { } ignore) actions.Add(ignore);
        }
        return actions;
    }

    /// <summary>
    /// The advisor's index for a plan finding: as a new reversible migration in the workspace's migration folder when
    /// there is one and the client can create files, else as a statement inserted before the query.
    /// </summary>
    private async Task<CodeAction> CreateIndexAsync(DocumentSnapshot snapshot, Finding finding, Diagnostic diagnostic, (string Name, string Up, string Down) index, CancellationToken cancellationToken)
    {
        var (name, ddl, down) = index;
        var set = await MigrationSetAsync(cancellationToken).ConfigureAwait(false);
        if (set is not null && context.State.ClientCanCreateFiles)
        {
            var files = MigrationWriter.Create(set, $"add {name}", ddl, down, DateTimeOffset.UtcNow);
            var changes = new List<object>();
            foreach (var file in files)
            {
                var uri = new Uri(file.Path).AbsoluteUri;
                changes.Add(new CreateFile(uri, new CreateFileOptions(Overwrite: false, IgnoreIfExists: false)));
                changes.Add(new TextDocumentEdit(new OptionalVersionedTextDocumentIdentifier(uri, null),
                    [new TextEdit(new Protocol.Range(new Position(0, 0), new Position(0, 0)), file.Content)]));
            }
            return new CodeAction
            {
                Title = $"Create index {name} in a new migration ({Path.GetFileName(files[0].Path)})",
                Diagnostics = [diagnostic],
                IsPreferred = true,
                Edit = new WorkspaceEdit { DocumentChanges = changes },
            };
        }
        var statement = snapshot.Script.StatementAt(finding.Span.Start);
        var text = snapshot.Text;
        var at = statement is null ? finding.Span.Start : text.GetLineStart(text.GetLinePosition(statement.Span.Start).Line);
        var newline = text.Text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var insert = ddl.TrimEnd().TrimEnd(';') + ";" + newline;
        return new CodeAction
        {
            Title = $"Create index {name} before this statement",
            Diagnostics = [diagnostic],
            Edit = Edit(snapshot, new TextSpan(at, 0), insert),
        };
    }

    /// <summary>
    /// The index a plan finding calls for: the advisor's (name, up, down) when it had one, else one over the columns
    /// the plan filtered on, rendered by the advisor for the document's dialect.
    /// </summary>
    private static (string Name, string Up, string Down)? IndexFor(DocumentSnapshot snapshot, Finding finding)
    {
        var data = finding.Data;
        if (data.TryGetValue("ddl", out var up) && !string.IsNullOrWhiteSpace(up))
            return (data.TryGetValue("index", out var n) && n.Length > 0 ? n : "index", up, data.TryGetValue("down", out var d) ? d : "");
        if (!data.TryGetValue("table", out var table) || !data.TryGetValue("columns", out var list)) return null;
        var columns = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (string.IsNullOrWhiteSpace(table) || columns.Length == 0) return null;
        var name = QualifiedName.Parse(table);
        var keys = columns.Select(c => new CandidateKey(new IndexKey(c, null, false), IndexKeyRole.Equality)).ToList();
        var candidate = new IndexCandidate(name, keys, IndexAdvisor.IndexName(name, keys.Select(k => k.Key)));
        var rendered = IndexAdvisor.Render(candidate, snapshot.Dialect);
        return (candidate.Name, rendered.Up, rendered.Down);
    }

    private async Task<DbAgent.Sql.Migrations.MigrationSet?> MigrationSetAsync(CancellationToken cancellationToken)
    {
        var schema = await context.Schema.GetAsync(cancellationToken).ConfigureAwait(false);
        // The set with the most migrations is the project's main one.
        return schema?.Sets.Where(s => s.Files.Count > 0).MaxBy(s => s.Files.Count);
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
            : (lineStart, string.Concat(text.Text.AsSpan(lineStart, indent), comment, newline));
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
