using DbAgent.Analysis.Findings;
using DbAgent.Server.Documents;
using DbAgent.Server.Protocol;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>
/// What the document's last publish sent, kept for the next: the diagnostic made for each finding (a finding an edit
/// did not touch is the same object, and keeps its diagnostic while its range is the same) and the JSON of what
/// each diagnostic says. Used by the document's one analysis loop only.
/// </summary>
public sealed class DiagnosticsPublication
{
    private Dictionary<Finding, Diagnostic> _previous = new(ReferenceEqualityComparer.Instance);
    private Dictionary<Finding, Diagnostic> _current = new(ReferenceEqualityComparer.Instance);
    private readonly PublishedJson _json = new();

    private readonly Lock _gate = new();

    public PreparedDiagnostics Prepare(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings)
    {
        // One loop per document uses it; a loop still finishing after the document was closed and opened again is the rare second.
        lock (_gate) return PrepareLocked(snapshot, findings);
    }

    private PreparedDiagnostics PrepareLocked(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings)
    {
        var diagnostics = new Diagnostic[findings.Count];
        for (var i = 0; i < diagnostics.Length; i++)
        {
            var finding = findings[i];
            if (!_previous.TryGetValue(finding, out var diagnostic) || !SameRange(snapshot, finding, diagnostic.Range))
                diagnostic = DiagnosticsPublisher.ToDiagnostic(snapshot, finding);
            diagnostics[i] = diagnostic;
            _current[finding] = diagnostic;
        }
        (_previous, _current) = (_current, _previous);
        _current.Clear();
        return _json.Prepare(diagnostics);
    }

    private static bool SameRange(DocumentSnapshot snapshot, Finding finding, Protocol.Range range)
    {
        var start = snapshot.Text.GetLinePosition(finding.Span.Start);
        if (start.Line != range.Start.Line || start.Character != range.Start.Character) return false;
        var end = snapshot.Text.GetLinePosition(finding.Span.End);
        return end.Line == range.End.Line && end.Character == range.End.Character;
    }
}
