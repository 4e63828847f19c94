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
    public IReadOnlyList<FindingFix> Fixes
    {
        get
        {
            var fixes = Volatile.Read(ref _fixes);
            if (fixes is not PendingMove pending) return (IReadOnlyList<FindingFix>)fixes;
            // Moved when first read (readers racing each move them, alike): most moved findings never have theirs read.
            var moved = MovedFixes(pending.Fixes, pending.By);
            Volatile.Write(ref _fixes, moved);
            return moved;
        }
        init => _fixes = value;
    }

    /// <summary>The fixes as given, or, for a moved finding whose fixes were not read yet, those and how far to move them.</summary>
    private object _fixes = Array.Empty<FindingFix>();

    private sealed record PendingMove(IReadOnlyList<FindingFix> Fixes, int By);

    /// <summary>
    /// The finding this one was moved from by <see cref="MovedBy"/> (the first of a chain of moves), or itself: the same
    /// object for every place an edit moves a cached finding to, for what the editor keeps per finding (its diagnostic).
    /// </summary>
    public Finding Origin => _origin ?? this;

    private Finding? _origin;

    /// <summary>
    /// The same finding with its span moved by <paramref name="by"/> characters, and its fixes' edits with it when they
    /// are read. Every finding after an edit moves on every keystroke: this makes one object per finding, not four.
    /// </summary>
    public Finding MovedBy(int by)
    {
        if (by == 0) return this;
        var fixes = Volatile.Read(ref _fixes);
        var moved = this with { Span = new TextSpan(Span.Start + by, Span.Length) };
        moved._origin = Origin;
        moved._fixes = fixes switch
        {
            PendingMove pending => new PendingMove(pending.Fixes, pending.By + by),
            IReadOnlyList<FindingFix> { Count: 0 } none => none,
            _ => new PendingMove((IReadOnlyList<FindingFix>)fixes, by),
        };
        return moved;
    }

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
