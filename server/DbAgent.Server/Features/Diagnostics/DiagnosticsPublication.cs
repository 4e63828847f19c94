using DbAgent.Analysis.Findings;
using DbAgent.Server.Documents;
using DbAgent.Server.Host;
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
    /// object with the same origin), with the publish that last used it. Nothing here is written on a keystroke but
    /// for a diagnostic made anew: a reference from this long-lived map to each keystroke's new objects would be
    /// scanned by every collection of young objects until the next full one.
    /// </summary>
    private readonly Dictionary<Finding, Made> _made = new(ReferenceEqualityComparer.Instance);
    private readonly PublishedJson _json = new();
    private int _publish;

    private sealed class Made(Diagnostic diagnostic)
    {
        public Diagnostic Diagnostic = diagnostic;
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
        // The findings come in document order: each range is looked up from the line of the one before.
        var line = 0;
        for (var i = 0; i < diagnostics.Length; i++)
        {
            var finding = findings[i];
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_made, finding.Origin, out var known);
            if (!known) slot = new Made(DiagnosticsPublisher.ToDiagnostic(snapshot, finding));
            else if (!SameSay(slot!.Diagnostic, finding) || !SameRange(snapshot, finding, slot.Diagnostic.Range, ref line)) slot.Diagnostic = DiagnosticsPublisher.ToDiagnostic(snapshot, finding);
            var made = slot!;
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

    /// <summary>True when the diagnostic says what one made for <paramref name="finding"/> would, its range aside (a moved finding's does; after a severity setting changed, not).</summary>
    private static bool SameSay(Diagnostic diagnostic, Finding finding) =>
        diagnostic.Severity == finding.Severity.ToLsp() && ReferenceEquals(diagnostic.Message, finding.Message) && ReferenceEquals(diagnostic.Code, finding.RuleId);

    private static bool SameRange(DocumentSnapshot snapshot, Finding finding, Protocol.Range range, ref int line)
    {
        var start = snapshot.Text.GetLinePosition(finding.Span.Start, ref line);
        if (start.Line != range.Start.Line || start.Character != range.Start.Character) return false;
        var endLine = line;
        var end = snapshot.Text.GetLinePosition(finding.Span.End, ref endLine);
        return end.Line == range.End.Line && end.Character == range.End.Character;
    }
}
