using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Findings;

public enum FindingSeverity
{
    Error,
    Warning,
    Information,
    Hint,
}

/// <summary>
/// One thing the analysis found, on the exact range that causes it. <see cref="Detail"/> is markdown for hovers and
/// chat (a plan excerpt, the estimated rows); <see cref="Data"/> carries what a quick fix needs.
/// </summary>
public sealed record Finding(string RuleId, FindingSeverity Severity, string Message, TextSpan Span)
{
    public string? Detail { get; init; }
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
    /// <summary>The document the span is in, when it is not the document being analysed (schema drift points at migrations).</summary>
    public string? DocumentUri { get; init; }
    /// <summary>Mechanical fixes (edits of the analysed document), offered as quick fixes by the editor.</summary>
    public IReadOnlyList<FindingFix> Fixes { get; init; } = [];

    /// <summary>The same finding with its span and its fixes' edits moved by <paramref name="by"/> characters.</summary>
    public Finding MovedBy(int by) => by == 0 ? this : this with
    {
        Span = new TextSpan(Span.Start + by, Span.Length),
        Fixes = Fixes.Count == 0 ? Fixes : MovedFixes(Fixes, by),
    };

    /// <summary>Plain loops, no iterators or closures: every finding after an edit moves on every keystroke.</summary>
    private static FindingFix[] MovedFixes(IReadOnlyList<FindingFix> fixes, int by)
    {
        var moved = new FindingFix[fixes.Count];
        for (var i = 0; i < moved.Length; i++)
        {
            var fix = fixes[i];
            var edits = new FindingEdit[fix.Edits.Count];
            for (var j = 0; j < edits.Length; j++)
            {
                var edit = fix.Edits[j];
                edits[j] = edit with { Span = new TextSpan(edit.Span.Start + by, edit.Span.Length) };
            }
            moved[i] = fix with { Edits = edits };
        }
        return moved;
    }
}

/// <summary>One replacement of a document range.</summary>
public sealed record FindingEdit(TextSpan Span, string NewText);

/// <summary>A quick fix: a title the editor shows and the edits it applies.</summary>
public sealed record FindingFix(string Title, IReadOnlyList<FindingEdit> Edits);
