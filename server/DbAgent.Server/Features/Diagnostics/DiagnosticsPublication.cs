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

    /// <summary>The last publish: the script version it was of, its findings and diagnostics, and its document's line count.</summary>
    private object? _lastVersion;
    private IReadOnlyList<Finding>? _lastFindings;
    private Diagnostic[]? _lastDiagnostics;
    private int _lastLineCount;

    private sealed class Made(Diagnostic diagnostic)
    {
        public Diagnostic Diagnostic = diagnostic;
        public int LastPublish;
    }

    private readonly Lock _gate = new();

    /// <summary>How many findings' diagnostics are remembered, and how many diagnostics' JSON (for tests: both stay bounded).</summary>
    internal (int Findings, int Tails) Remembered => (_made.Count, _json.Remembered);

    /// <summary>How many diagnostics the last publish wrote rather than copied from the one before.</summary>
    internal int LastWritten => _json.LastWritten;

    public PreparedDiagnostics Prepare(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings)
    {
        // One loop per document uses it; a loop still finishing after the document was closed and opened again is the rare second.
        lock (_gate) return PrepareLocked(snapshot, findings);
    }

    private PreparedDiagnostics PrepareLocked(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings)
    {
        var diagnostics = Make(snapshot, findings, out var same, out var sameAtEnd);
        return _json.Prepare(diagnostics, same, sameAtEnd);
    }

    /// <summary>
    /// The document's diagnostics for <paramref name="findings"/> as a splice of the ones sent last
    /// (<c>dbagent/diagnosticsSplice</c>): the diagnostics at the start and at the end that are the very objects sent last
    /// time (the same finding with the same range and say) stay with the client, and only those between go. The first
    /// splice of a document, and the first after <see cref="Resync"/>, carries them all.
    /// </summary>
    public DiagnosticsSpliceParams PrepareSplice(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings)
    {
        lock (_gate)
        {
            var sent = _sentSplice == 0 ? null : _lastDiagnostics;
            var diagnostics = Make(snapshot, findings, out _, out _);
            var (start, end) = (0, 0);
            if (sent is not null)
            {
                var max = Math.Min(sent.Length, diagnostics.Length);
                while (start < max && ReferenceEquals(sent[start], diagnostics[start])) start++;
                while (end < max - start && ReferenceEquals(sent[^(end + 1)], diagnostics[^(end + 1)])) end++;
            }
            var splice = new DiagnosticsSpliceParams
            {
                Uri = snapshot.Uri,
                Version = snapshot.Version,
                Base = _sentSplice,
                Id = ++_splices,
                Start = start,
                DeleteCount = sent is null ? 0 : sent.Length - start - end,
                Diagnostics = _json.Prepare(diagnostics[start..^end], diagnostics.Length),
            };
            _sentSplice = splice.Id;
            return splice;
        }
    }

    /// <summary>The client's diagnostics are not the last splice's: the next splice carries them all.</summary>
    public void Resync()
    {
        lock (_gate) _sentSplice = 0;
    }

    /// <summary>The id of the last splice sent (0: none since the start or a resync), and the count of splices made.</summary>
    private int _sentSplice;
    private int _splices;

    /// <summary>
    /// A diagnostic per finding, each the one made last time where the finding and its range are the same; with how many
    /// at the start and at the end are the last publish's, ranges included (see <see cref="Unchanged"/>).
    /// </summary>
    private Diagnostic[] Make(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings, out int same, out int sameAtEnd)
    {
        var publish = ++_publish;
        var diagnostics = new Diagnostic[findings.Count];
        (same, sameAtEnd) = Unchanged(snapshot, findings);
        if (same > 0) Array.Copy(_lastDiagnostics!, diagnostics, same);
        if (sameAtEnd > 0) Array.Copy(_lastDiagnostics!, _lastDiagnostics!.Length - sameAtEnd, diagnostics, diagnostics.Length - sameAtEnd, sameAtEnd);
        // The findings come in document order: each range is looked up from the line of the one before.
        var line = 0;
        for (var i = same; i < diagnostics.Length - sameAtEnd; i++)
        {
            var finding = findings[i];
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_made, finding.Origin, out var known);
            if (!known) slot = new Made(DiagnosticsPublisher.ToDiagnostic(snapshot, finding));
            else if (!SameSay(slot!.Diagnostic, finding) || !SameRange(snapshot, finding, slot.Diagnostic.Range, ref line)) slot.Diagnostic = DiagnosticsPublisher.ToDiagnostic(snapshot, finding);
            var made = slot!;
            made.LastPublish = publish;
            diagnostics[i] = made.Diagnostic;
        }
        // Findings no publish used lately (an edit moved or replaced them) go; the map stays within twice a publish
        // (a publish that took diagnostics over from the last one did not mark them, and only clears out a map grown far larger).
        if (_made.Count > (same + sameAtEnd == 0 ? 2 : 8) * diagnostics.Length + 64)
        {
            foreach (var (finding, made) in _made)
                if (made.LastPublish != publish) _made.Remove(finding);
        }
        (_lastVersion, _lastFindings, _lastDiagnostics, _lastLineCount) = (snapshot.Script.Version, findings, diagnostics, snapshot.Text.LineCount);
        return diagnostics;
    }

    /// <summary>
    /// How many diagnostics at the start and at the end are the last publish's, ranges included, when this version was
    /// made by an edit of the one it published (<see cref="DbAgent.Sql.Syntax.SqlScript.Edit"/>). At the start: the same
    /// findings, ending before the text the edit changed (a position depends only on the text before it). At the end:
    /// findings moved by the edit's length with their statements, on lines after the changed stretch's last line, when
    /// the edit left the number of lines as it was (then their lines and columns are too). Typing within a line of a
    /// long migration then writes only the diagnostics around it; the rest of the publish is two copies.
    /// </summary>
    private (int Same, int SameAtEnd) Unchanged(DocumentSnapshot snapshot, IReadOnlyList<Finding> findings)
    {
        if (_lastFindings is not { } last || _lastDiagnostics is not { } lastDiagnostics || snapshot.Script.Edit is not { } edit
            || !ReferenceEquals(edit.From, _lastVersion))
            return (0, 0);
        var max = Math.Min(findings.Count, last.Count);
        var same = 0;
        while (same < max && findings[same] is var now && now.Span.End < edit.Changed.Start
               && (ReferenceEquals(now, last[same]) || (now.Span == last[same].Span && SaysTheSame(lastDiagnostics[same], now))))
            same++;
        var sameAtEnd = 0;
        var text = snapshot.Text;
        if (text.LineCount == _lastLineCount)
        {
            var after = text.GetLinePosition(edit.Changed.End).Line + 1;
            var from = after < text.LineCount ? text.GetLineStart(after) : int.MaxValue;
            while (sameAtEnd < max - same)
            {
                var (now, before) = (findings[^(sameAtEnd + 1)], last[^(sameAtEnd + 1)]);
                if (now.Span.Start < from || now.Span.Start != before.Span.Start + edit.Delta || now.Span.Length != before.Span.Length
                    || !SaysTheSame(lastDiagnostics[^(sameAtEnd + 1)], now))
                    break;
                sameAtEnd++;
            }
        }
        return (same, sameAtEnd);
    }

    /// <summary>True when the diagnostic says what one made for <paramref name="finding"/> would, its range aside (a moved finding's does; after a severity setting changed, not).</summary>
    private static bool SameSay(Diagnostic diagnostic, Finding finding) =>
        diagnostic.Severity == finding.Severity.ToLsp() && ReferenceEquals(diagnostic.Message, finding.Message) && ReferenceEquals(diagnostic.Code, finding.RuleId);

    /// <summary>As <see cref="SameSay"/>, comparing the texts (findings the script rules make again on every run are new objects with equal texts).</summary>
    private static bool SaysTheSame(Diagnostic diagnostic, Finding finding) =>
        diagnostic.Severity == finding.Severity.ToLsp() && string.Equals(diagnostic.Message, finding.Message, StringComparison.Ordinal)
        && string.Equals(diagnostic.Code, finding.RuleId, StringComparison.Ordinal);

    private static bool SameRange(DocumentSnapshot snapshot, Finding finding, Protocol.Range range, ref int line)
    {
        var start = snapshot.Text.GetLinePosition(finding.Span.Start, ref line);
        if (start.Line != range.Start.Line || start.Character != range.Start.Character) return false;
        var endLine = line;
        var end = snapshot.Text.GetLinePosition(finding.Span.End, ref endLine);
        return end.Line == range.End.Line && end.Character == range.End.Character;
    }
}
