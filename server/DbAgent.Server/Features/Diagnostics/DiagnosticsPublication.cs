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
    /// <summary>
    /// The diagnostic made for each finding, by its <see cref="Finding.Origin"/> (a finding an edit moved is a new
    /// object with the same origin), with the finding it was made for and the publish that last used it.
    /// </summary>
    private readonly Dictionary<Finding, Made> _made = new(ReferenceEqualityComparer.Instance);
    private readonly PublishedJson _json = new();
    private int _publish;

    private sealed class Made(Diagnostic diagnostic, Finding finding)
    {
        public Diagnostic Diagnostic = diagnostic;
        public Finding Finding = finding;
        public int LastPublish;
    }

    private readonly Lock _gate = new();

    /// <summary>How many findings' diagnostics are remembered, and how many diagnostics' JSON (for tests: both stay bounded).</summary>
    internal (int Findings, int Tails) Remembered => (_made.Count, _json.Remembered);

    public PreparedDiagnostics Prepare(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings)
    {
        // One loop per document uses it; a loop still finishing after the document was closed and opened again is the rare second.
        lock (_gate) return PrepareLocked(snapshot, findings);
    }

    private PreparedDiagnostics PrepareLocked(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings)
    {
        var publish = ++_publish;
        var diagnostics = new Diagnostic[findings.Count];
        for (var i = 0; i < diagnostics.Length; i++)
        {
            var finding = findings[i];
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_made, finding.Origin, out var known);
            if (!known) slot = new Made(DiagnosticsPublisher.ToDiagnostic(snapshot, finding), finding);
            else if (!SameSay(slot!.Finding, finding) || !SameRange(snapshot, finding, slot.Diagnostic.Range)) slot.Diagnostic = DiagnosticsPublisher.ToDiagnostic(snapshot, finding);
            var made = slot!;
            made.Finding = finding;
            made.LastPublish = publish;
            diagnostics[i] = made.Diagnostic;
        }
        // Findings no publish used lately (an edit moved or replaced them) go; the map stays within twice a publish.
        if (_made.Count > 2 * diagnostics.Length + 64)
        {
            foreach (var (finding, made) in _made)
                if (made.LastPublish != publish) _made.Remove(finding);
        }
        return _json.Prepare(diagnostics);
    }

    /// <summary>True when a diagnostic made for <paramref name="made"/> says what one for <paramref name="finding"/> would (a moved finding does; a severity setting changed does not).</summary>
    private static bool SameSay(Finding made, Finding finding) =>
        ReferenceEquals(made, finding) || (made.Severity == finding.Severity && ReferenceEquals(made.Message, finding.Message) && ReferenceEquals(made.RuleId, finding.RuleId));

    private static bool SameRange(DocumentSnapshot snapshot, Finding finding, Protocol.Range range)
    {
        var start = snapshot.Text.GetLinePosition(finding.Span.Start);
        if (start.Line != range.Start.Line || start.Character != range.Start.Character) return false;
        var end = snapshot.Text.GetLinePosition(finding.Span.End);
        return end.Line == range.End.Line && end.Character == range.End.Character;
    }
}
