using DbAgent.Analysis.Findings;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules;

/// <summary>A rule that threw on a statement: reported for the log, never as a finding and never as a crash.</summary>
public sealed record RuleFailure(string RuleId, TextSpan StatementSpan, string Error);

public sealed record LintResult(IReadOnlyList<Finding> Findings, IReadOnlyList<RuleFailure> Failures)
{
    /// <summary>How many statements the per-statement rules read (all of them unless a limit stopped the run).</summary>
    public int StatementsRead { get; init; }
    /// <summary>The run stopped at its time limit after <see cref="StatementsRead"/> statements.</summary>
    public bool OutOfTime { get; init; }
    /// <summary>The whole-script rules did not run (a large file, or no time left).</summary>
    public bool ScriptRulesSkipped { get; init; }
}

/// <summary>How far one lint run may go: the first statements only, within a time limit, with or without the whole-script rules.</summary>
public sealed record LintBounds(int MaxStatements = int.MaxValue, Func<bool>? OutOfTime = null, bool ScriptRules = true)
{
    public static readonly LintBounds None = new();
}

/// <summary>
/// Runs the lint rules over a script: syntax errors become <c>syntax-error</c> findings, each statement goes through
/// every enabled rule, and the <c>dbagent.rules</c> setting and <c>-- dbagent-ignore</c> comments decide what is kept
/// and at which severity. Never throws.
/// </summary>
public static class Linter
{
    private static readonly System.Buffers.SearchValues<string> SuppressionMarker =
        System.Buffers.SearchValues.Create(["dbagent-ignore"], StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<Finding> Analyze(SqlScript script, RuleSettings? settings = null, SchemaModel? schema = null) =>
        Run(script, settings, schema).Findings;

    /// <param name="cache">The document's findings from its previous version: statements an edit left untouched reuse them.</param>
    public static LintResult Run(SqlScript? script, RuleSettings? settings = null, SchemaModel? schema = null,
        IReadOnlyList<ILintRule>? rules = null, LintCache? cache = null,
        IReadOnlySet<string>? newTables = null, IReadOnlyList<IScriptRule>? scriptRules = null, LintBounds? bounds = null,
        CancellationToken cancellationToken = default)
    {
        if (script is null) return new LintResult([], []);
        bounds ??= LintBounds.None;
        settings ??= RuleSettings.Default;
        rules ??= RuleCatalog.LintRules;
        scriptRules ??= rules == RuleCatalog.LintRules ? RuleCatalog.ScriptRules : [];
        var known = cache?.For(settings, schema, rules);
        // As many as last time, most likely: no growing and copying of a list of thousands on every keystroke.
        var raw = new List<Finding>(known?.LastCount ?? 0);
        var found = 0;
        var failures = new List<RuleFailure>();

        foreach (var error in script.Errors)
        {
            raw.Add(new Finding(CoreRules.SyntaxError.Id, CoreRules.SyntaxError.DefaultSeverity, error.Message, error.Span)
            {
                Data = new Dictionary<string, string> { ["source"] = error.Source },
            });
        }

        var statementFindings = new List<Finding>();
        // Where each statement's findings went in raw, for the new-table check below (statements without findings: none).
        // One list per thread, kept: thousands of statements with findings make it too large to allocate each keystroke.
        var segments = t_segments ??= [];
        segments.Clear();
        var read = 0;
        var outOfTime = false;
        var count = script.Statements.Count;
        // Each statement's placement in this run, for the next; after an edit, the last run's of the statements it kept
        // are taken by index: a walk that touches no statement without findings (most of them).
        var byStatement = known is not null ? new LintCache.Placed?[count] : null;
        var last = known?.LastRun;
        var edit = script.Edit;
        if (last is not null && !script.IsEditOf(last.Version, last.ByStatement.Length)) last = null;
        foreach (var statement in script.Statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (read >= bounds.MaxStatements) break;
            // Checked every 16 statements: the clock is cheap, but not free beside a cached statement.
            if ((read & 15) == 15 && bounds.OutOfTime?.Invoke() == true)
            {
                outOfTime = true;
                break;
            }
            var index = read++;
            var from = raw.Count;
            if (last is not null)
            {
                var before = index < edit!.Kept;
                var carried = before ? last.ByStatement[index] : index >= count - edit.After ? last.ByStatement[index - count + last.ByStatement.Length] : null;
                if (carried is not null)
                {
                    // Kept where it was, or moved by the edit's length with the statements after it.
                    var placed = known!.MovedTo(carried, before ? carried.Start : carried.Start + edit.Delta);
                    byStatement![index] = placed;
                    if (placed.Findings.Length == 0) continue;
                    raw.AddRange(placed.Findings.AsSpan());
                    segments.Add(new FindingSegment(index, from, placed.Findings.Length, placed));
                    continue;
                }
            }
            if (known is not null && known.TryAddTo(script, statement, raw, out var cached))
            {
                byStatement![index] = cached;
                if (raw.Count > from) segments.Add(new FindingSegment(index, from, raw.Count - from, cached));
                continue;
            }
            statementFindings.Clear();
            var failed = false;
            LintContext context;
            try
            {
                context = new LintContext(script, statement, schema);
            }
            catch (Exception ex)
            {
                failures.Add(new RuleFailure("*", statement.Span, ex.GetType().Name + ": " + ex.Message));
                continue;
            }
            foreach (var rule in rules)
            {
                if (!settings.IsEnabled(rule.Descriptor.Id)) continue;
                try
                {
                    // Materialise inside the try: rules are usually iterators and throw while enumerated.
                    statementFindings.AddRange(rule.Analyze(context).ToList());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failed = true;
                    failures.Add(new RuleFailure(rule.Descriptor.Id, statement.Span, ex.GetType().Name + ": " + ex.Message));
                }
            }
            raw.AddRange(statementFindings);
            if (statementFindings.Count > 0) segments.Add(new FindingSegment(read - 1, from, statementFindings.Count, null));
            // A failure is reported again next time rather than remembered as "no findings".
            if (!failed && known is not null)
            {
                known.Set(script, statement, statementFindings);
                byStatement![index] = statement.Placement as LintCache.Placed;
            }
        }

        // Rules over the whole script (transactions, lock_timeout): cheap walks over the statement models, run every time
        // (but not over a file the size policy or the clock cut short: they would bind every statement, and they read the
        // order of all of them).
        var skipScriptRules = !bounds.ScriptRules || outOfTime || read < script.Statements.Count;
        object? createdTables = null;
        long[]? newTableVerdicts = null;
        var statementsEnd = raw.Count;
        var marker = HasSuppressionMarker(script, cache);
        ScriptFacts? newTableFacts = null;
        LintCache.Run? lastVerdicts = null;
        if (!skipScriptRules)
        {
            var facts = new ScriptFacts(script, newTables, remember: known is not null, previous: known?.LastFacts);
            if (known is not null) known.LastFacts = facts.Conclusions;
            foreach (var rule in scriptRules)
            {
                if (!settings.IsEnabled(rule.Descriptor.Id)) continue;
                try
                {
                    raw.AddRange(rule.Analyze(facts).ToList());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures.Add(new RuleFailure(rule.Descriptor.Id, new TextSpan(0, 0), ex.GetType().Name + ": " + ex.Message));
                }
            }

            // A table created earlier in the same migration (or change) is new and empty: locking it harms nobody.
            if (facts.HasNewTables)
            {
                found = raw.Count;
                // The last run's verdicts hold for a statement it placed the same findings on, at the same index, while
                // the tables created and where stay the same (the map is taken over only then).
                var verdicts = last is not null && ReferenceEquals(last.CreatedTables, facts.CreatedTables) && ReferenceEquals(last.NewTables, newTables)
                    && last.ByStatement.Length == count && last.NewTableVerdicts is not null ? last : null;
                newTableVerdicts = new long[count];
                // Dropped below, in the one pass that applies the settings.
                (newTableFacts, lastVerdicts) = (facts, verdicts);
                createdTables = facts.CreatedTables;
            }
        }
        var applied = Settle(script, raw, script.Errors.Count, statementsEnd, segments, newTableFacts, lastVerdicts, newTableVerdicts, settings, marker);
        if (known is not null) known.LastRun = new LintCache.Run(script.Version, byStatement!) { CreatedTables = createdTables, NewTables = newTables, NewTableVerdicts = newTableVerdicts };
        segments.Clear(); // holds no placement past the run
        if (known is not null) known.LastCount = Math.Max(found, raw.Count);
        return new LintResult(applied, failures)
        {
            StatementsRead = read, OutOfTime = outOfTime, ScriptRulesSkipped = skipScriptRules,
        };
    }

    [ThreadStatic]
    private static List<FindingSegment>? t_segments;

    /// <summary>One statement's findings in the run's list: from where, how many, and their placement when the cache gave them.</summary>
    private readonly record struct FindingSegment(int StatementIndex, int From, int Count, LintCache.Placed? Placed);

    /// <summary>
    /// The run's findings as reported: without those about a table the script created before them (see
    /// <see cref="ScriptFacts.IsAboutNewTable"/>), with the settings and the inline suppressions applied (as
    /// <see cref="ApplySettings(SqlScript?, IEnumerable{Finding}, RuleSettings?)"/>), in <see cref="DocumentOrder"/>.
    /// One pass over the statements' findings, statement by statement (the index at hand, no search for it per
    /// finding), which reads none of a cached placement's findings when its entry says they are all kept as they are
    /// and in order, and no suppression comment is in the file. On a long migration most of a keystroke's findings are
    /// such; reading each again (two passes and a sort check, each finding an object somewhere in a large heap) was a
    /// good part of an analysis in the editor.
    /// </summary>
    /// <param name="errorsEnd">Where the syntax errors end in <paramref name="raw"/> (they come first).</param>
    /// <param name="statementsEnd">Where the statements' findings end (the script rules' come after).</param>
    /// <param name="facts">The script's facts when it creates tables, else null (no finding goes).</param>
    /// <param name="last">The last run, when its verdicts hold for the statements it placed the same findings on (see the caller).</param>
    /// <param name="verdicts">This run's verdict per statement index, for the next: bit i set where finding i is about a new table; -1 where not kept.</param>
    /// <param name="markerPresent">The file has a suppression comment: each finding's statement is read for it.</param>
    private static List<Finding> Settle(SqlScript script, List<Finding> raw, int errorsEnd, int statementsEnd, List<FindingSegment> segments,
        ScriptFacts? facts, LintCache.Run? last, long[]? verdicts, RuleSettings settings, bool markerPresent)
    {
        if (verdicts is not null) Array.Fill(verdicts, -1L);
        var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(raw);
        var severities = new Severities(settings, markerPresent ? script : null);
        var main = new List<Finding>(statementsEnd - errorsEnd);
        var ordered = true;
        var lastStart = int.MinValue;
        Finding? previous = null;
        foreach (var segment in segments)
        {
            var findings = all.Slice(segment.From, segment.Count);
            var index = segment.StatementIndex;
            // Bit i set: finding i is about a table created before it, and goes. Decided finding by finding where
            // no verdict word holds them (each).
            var verdict = 0L;
            var each = false;
            QualifiedName?[]? tables = null;
            var statementStart = 0;
            if (facts is not null)
            {
                if (segment.Placed is { } cached)
                {
                    if (cached.Entry.NamesTables)
                    {
                        tables = cached.Entry.ExistingTables;
                        verdict = last is not null && last.ByStatement[index] is { } before && ReferenceEquals(before.Entry, cached.Entry) ? last.NewTableVerdicts![index] : -1L;
                        if (verdict < 0 && findings.Length <= 63)
                        {
                            statementStart = script.Statements[index].Span.Start;
                            verdict = 0;
                            for (var i = 0; i < findings.Length; i++)
                                if (tables[i] is { } table && facts.IsNewTableFor(table, findings[i], index, statementStart)) verdict |= 1L << i;
                        }
                    }
                    if (verdict >= 0) verdicts![index] = verdict;
                }
                else
                {
                    verdict = -1L;
                }
                if (verdict < 0)
                {
                    each = true;
                    statementStart = script.Statements[index].Span.Start;
                }
            }
            if (!each && verdict == 0 && !markerPresent && segment.Placed is { Entry: { AsIs: true, InOrder: true } entry } placed)
            {
                // All kept as they are, in order: only where they start and end is looked at, from the entry.
                var first = placed.Start + entry.FirstStart;
                if (first < lastStart || (first == lastStart && DocumentOrder(previous!, findings[0]) > 0)) ordered = false;
                main.AddRange(findings);
                lastStart = placed.Start + entry.LastStart;
                previous = findings[^1];
                continue;
            }
            for (var i = 0; i < findings.Length; i++)
            {
                var goes = !each ? (verdict >> i & 1) != 0
                    : tables is not null ? tables[i] is { } table && facts!.IsNewTableFor(table, findings[i], index, statementStart)
                    : facts!.IsAboutNewTable(findings[i], index, statementStart);
                if (goes || severities.Settle(findings[i]) is not { } kept) continue;
                var start = kept.Span.Start;
                if (start < lastStart || (start == lastStart && DocumentOrder(previous!, kept) > 0)) ordered = false;
                main.Add(kept);
                lastStart = start;
                previous = kept;
            }
        }
        if (!ordered) SortInDocumentOrder(main);
        // The syntax errors (first) and the script rules' findings (last): few, each put where it goes.
        return MergeFew(MergeFew(main, severities.SettleAll(all[..errorsEnd]), tiesFirst: true), severities.SettleAll(all[statementsEnd..]), tiesFirst: false);
    }

    /// <summary>
    /// <paramref name="main"/> (in <see cref="DocumentOrder"/>) with <paramref name="few"/> (in that order too) put in
    /// where they go, as a stable sort of the two lists one after the other would: before the findings that compare
    /// alike when <paramref name="tiesFirst"/> (the few came first), after them otherwise. Each is found by a binary
    /// search and the stretches between are copied: a keystroke that made a syntax error reads a dozen findings to
    /// place it, not all of them.
    /// </summary>
    public static List<Finding> MergeFew(List<Finding> main, List<Finding> few, bool tiesFirst)
    {
        if (few.Count == 0) return main;
        var items = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(main);
        var merged = new List<Finding>(items.Length + few.Count);
        var from = 0;
        foreach (var finding in few)
        {
            int lo = from, hi = items.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                var order = DocumentOrder(items[mid], finding);
                if (order < 0 || (order == 0 && !tiesFirst)) lo = mid + 1; else hi = mid;
            }
            merged.AddRange(items[from..lo]);
            merged.Add(finding);
            from = lo;
        }
        merged.AddRange(items[from..]);
        return merged;
    }

    /// <summary>
    /// The settings' severity for each finding (null: the rule is off), looked up once per run of one rule's findings
    /// (a document has few rules' findings, which come in runs), and the inline suppressions of the script when given.
    /// </summary>
    private struct Severities(RuleSettings settings, SqlScript? suppressionsIn)
    {
        private string? _rule;
        private FindingSeverity _default;
        private FindingSeverity? _severity;
        private Dictionary<ParsedStatement, InlineSuppression>? _suppressions;

        /// <summary>The finding at the severity the settings give it, or null when they turn its rule off or a comment suppresses it.</summary>
        public Finding? Settle(Finding finding)
        {
            if (!ReferenceEquals(finding.RuleId, _rule) || finding.Severity != _default)
                (_rule, _default, _severity) = (finding.RuleId, finding.Severity, settings.SeverityFor(finding.RuleId, finding.Severity));
            if (_severity is not { } severity) return null;
            if (suppressionsIn is not null && IsSuppressed(suppressionsIn, finding, _suppressions ??= [])) return null;
            return severity == finding.Severity ? finding : finding with { Severity = severity };
        }

        /// <summary>Those kept, settled, in <see cref="DocumentOrder"/>.</summary>
        public List<Finding> SettleAll(ReadOnlySpan<Finding> findings)
        {
            var kept = new List<Finding>(findings.Length);
            foreach (var finding in findings)
                if (Settle(finding) is { } settled) kept.Add(settled);
            SortInDocumentOrder(kept);
            return kept;
        }
    }

    /// <summary>The one order findings are reported in: by position, then rule id.</summary>
    public static int DocumentOrder(Finding a, Finding b) =>
        a.Span.Start != b.Span.Start ? a.Span.Start.CompareTo(b.Span.Start) : string.CompareOrdinal(a.RuleId, b.RuleId);

    /// <summary>
    /// Puts findings in <see cref="DocumentOrder"/> (stable: findings that compare alike keep their order). They come
    /// in a few runs that are each in order already (the syntax errors, the statements' findings, the script rules'),
    /// so the runs are merged: a keystroke that made a syntax error in a long migration sorted its thousands of
    /// findings from scratch, twice, and List.Sort does not look for runs.
    /// </summary>
    public static void SortInDocumentOrder(List<Finding> findings)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(findings);
        var runs = new List<int>();
        for (var i = 1; i < span.Length; i++)
            if (DocumentOrder(span[i - 1], span[i]) > 0) runs.Add(i);
        if (runs.Count == 0) return;
        runs.Add(span.Length);
        // Bottom-up: each pass merges neighbouring runs in pairs, from one buffer into the other.
        var from = span.ToArray();
        var into = new Finding[span.Length];
        while (runs.Count > 1)
        {
            var merged = new List<int>((runs.Count + 1) / 2);
            var start = 0;
            for (var r = 0; r < runs.Count; r += 2)
            {
                var middle = runs[r];
                var end = r + 1 < runs.Count ? runs[r + 1] : middle;
                Merge(from, start, middle, end, into);
                merged.Add(end);
                start = end;
            }
            (from, into, runs) = (into, from, merged);
        }
        from.AsSpan().CopyTo(span);
    }

    /// <summary>Merges the ordered runs [start, middle) and [middle, end) of <paramref name="from"/> into the same places of <paramref name="into"/>, the left first on a tie.</summary>
    private static void Merge(Finding[] from, int start, int middle, int end, Finding[] into)
    {
        int i = start, j = middle, k = start;
        while (i < middle && j < end) into[k++] = DocumentOrder(from[j], from[i]) < 0 ? from[j++] : from[i++];
        Array.Copy(from, i, into, k, middle - i);
        k += middle - i;
        Array.Copy(from, j, into, k, end - j);
    }

    /// <summary>
    /// Applies the settings (off, severity overrides) and the inline suppressions of the statement each finding lies
    /// in. For findings made elsewhere too: plan findings, schema drift.
    /// </summary>
    public static IReadOnlyList<Finding> ApplySettings(SqlScript? script, IEnumerable<Finding> findings, RuleSettings? settings) =>
        new Severities(settings ?? RuleSettings.Default, script is not null && HasSuppressionMarker(script, null) ? script : null).SettleAll([.. findings]);

    /// <summary>
    /// Whether the script has a suppression comment anywhere. Most files have none: then no finding needs its
    /// statement's comments read. With the document's cache, after an edit of a version that had none, only the
    /// stretch the edit changed is searched (a vectorised search of the whole file was still 3% of a keystroke).
    /// </summary>
    private static bool HasSuppressionMarker(SqlScript script, LintCache? cache)
    {
        const int length = 14; // "dbagent-ignore"
        bool present;
        if (cache?.SuppressionMarker is { Present: false } last && script.Edit is { } edit && ReferenceEquals(edit.From, last.Version))
        {
            var around = TextSpan.FromBounds(Math.Max(0, edit.Changed.Start - length + 1), Math.Min(script.Text.Length, edit.Changed.End + length - 1));
            present = script.Text.Slice(around).ContainsAny(SuppressionMarker);
        }
        else
        {
            present = script.Text.ContainsAny(SuppressionMarker, length);
        }
        if (cache is not null) cache.SuppressionMarker = (script.Version, present);
        return present;
    }

    private static bool IsSuppressed(SqlScript script, Finding finding, Dictionary<ParsedStatement, InlineSuppression> cache)
    {
        try
        {
            var statement = script.StatementAt(finding.Span.Start);
            if (statement is null) return false;
            if (!cache.TryGetValue(statement, out var suppression))
                cache[statement] = suppression = InlineSuppression.For(script, statement);
            return suppression.Suppresses(finding.RuleId);
        }
        catch (Exception)
        {
            // A suppression comment we cannot read suppresses nothing.
            return false;
        }
    }
}
