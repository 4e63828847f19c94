using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using Position = DbAgent.Server.Protocol.Position;

namespace DbAgent.Benchmarks;

/// <summary>
/// Edit-to-fresh-model latency on a generated 20,000-line migration: random single-character edits (insert, delete,
/// replace), each applied to the same document, timed from the edit to the new script's statement models and to the
/// findings of every rule (in process); then the same over the real language server: a `dbagent lsp` process over
/// stdio, timed from sending textDocument/didChange to reading the textDocument/publishDiagnostics of that version.
/// Options: [edits] [--no-lsp] [--lsp-only] [--rpc-client] (StreamJsonRpc as the client instead of the lean one) [--write FILE] (only write the migration, and beside it the settings) [--phases] (the pipeline's parts timed apart, on the unchanged document, and
/// the server's steps per keystroke in process) [--server-steps] (only those).
/// </summary>
internal static class EditBenchmark
{
    public const int Lines = 20_000;

    /// <summary>The `dbagent` settings the server is given over LSP: the dialect, and every rule on.</summary>
    private static object Settings() => new { dialect = "postgres", rules = AllRules().ToDictionary(r => r.Key, r => r.Value) };

    /// <summary>Every rule on at its default severity, including those off by default: the full rule set.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> AllRules() =>
        RuleCatalog.LintRules.Select(r => r.Descriptor).Concat(RuleCatalog.ScriptRules.Select(r => r.Descriptor))
            .Select(d => new KeyValuePair<string, string?>(d.Id, d.DefaultSeverity.ToString().ToLowerInvariant()));

    public static async Task<int> Run(string[] args)
    {
        var edits = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1000;
        Measure.Environment();
        var text = MigrationGenerator.Generate(Lines, seed: 20_000);
        if (Array.IndexOf(args, "--write") is var w and >= 0 && w + 1 < args.Length)
        {
            // The same migration and settings for another client to time (keystroke-vscode-client.mjs).
            File.WriteAllText(args[w + 1], text);
            File.WriteAllText(args[w + 1] + ".settings.json", JsonSerializer.Serialize(Settings()));
            return 0;
        }
        if (args.Contains("--server-steps"))
        {
            // Only the server's steps timed apart (for a profiler to attach to one loop).
            var cache = new LintCache();
            var settings = RuleSettings.From(AllRules());
            FindingsPipeline.Analyze(SqlScript.Parse(SourceText.From(text), SqlDialect.Postgres), new AnalysisInput { Cache = cache, Rules = settings });
            ServerPhases(text, edits, cache, settings);
            return 0;
        }
        var code = args.Contains("--lsp-only") ? 0 : InProcess(text, edits, args.Contains("--phases"));
        if (!args.Contains("--no-lsp")) code = Math.Max(code, await OverLsp(text, edits, args.Contains("--rpc-client")));
        return code;
    }

    private static int InProcess(string text, int edits, bool phases)
    {
        var source = SourceText.From(text);
        var baseline = SqlScript.Parse(source, SqlDialect.Postgres);
        Console.WriteLine($"document: generated migration, {source.LineCount} lines, {text.Length / 1_000_000.0:F2} M chars, {baseline.Statements.Count} statements");
        Console.WriteLine("measured: SourceText.WithChange + incremental SqlScript.WithChanges (re-lexes and re-parses only the statements the edit touched);");
        Console.WriteLine("  then, for fresh diagnostics, the findings pipeline as the editor runs it (every rule with a LintCache per document, script rules, libpg_query per changed statement);");
        Console.WriteLine("  each edit is made to the version analysed last, then undone (the undo analysed too, untimed)");

        var random = new Random(42);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789 ,()=;'\n";
        TextChange NextEdit()
        {
            var at = random.Next(text.Length);
            var ch = alphabet[random.Next(alphabet.Length)].ToString();
            return random.Next(3) switch
            {
                0 => new TextChange(new TextSpan(at, 0), ch),
                1 => new TextChange(new TextSpan(at, 1), ""),
                _ => new TextChange(new TextSpan(at, 1), ch),
            };
        }

        var changes = Enumerable.Range(0, edits + 50).Select(_ => NextEdit()).ToList();
        var lintCache = new LintCache();
        var rules = RuleSettings.From(AllRules());
        var first = FindingsPipeline.Analyze(baseline, new AnalysisInput { Cache = lintCache, Rules = rules });
        Console.WriteLine($"findings on the document, every rule on: {first.Findings.Count}{(first.Problems.Count > 0 ? $"; problems: {first.Problems.Count}, first: {first.Problems[0]}" : "")}");
        // The floor of every keystroke: the pipeline over the whole document when no statement changed (all cached).
        // (300 runs: the first ones also warm the JIT up; tiered compilation optimises a method after 30 calls.)
        var unchanged = new List<double>();
        for (var k = 0; k < 300; k++)
        {
            var sw = Stopwatch.StartNew();
            FindingsPipeline.Analyze(baseline, new AnalysisInput { Cache = lintCache, Rules = rules });
            if (k >= 200) unchanged.Add(sw.Elapsed.TotalMilliseconds);
        }
        unchanged.Sort();
        if (phases)
        {
            void Phase(string name, Action a)
            {
                var t = new List<double>();
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                for (var k = 0; k < 300; k++) { var sw = Stopwatch.StartNew(); a(); t.Add(sw.Elapsed.TotalMilliseconds); }
                bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
                t.Sort();
                Console.WriteLine($"  phase {name}, nothing changed: p50 {Measure.Percentile(t, 50):F2} ms, {bytes / 300 / 1024.0:F0} KiB allocated");
            }
            Phase("linter, statement rules only", () => Linter.Run(baseline, rules, cache: lintCache, scriptRules: []));
            Phase("linter, with script rules", () => Linter.Run(baseline, rules, cache: lintCache));
            Phase("script facts", () => _ = new ScriptFacts(baseline));
            Phase("exact syntax errors", () => ExactSyntaxErrors.Find(baseline, default));
            var all = FindingsPipeline.Analyze(baseline, new AnalysisInput { Cache = lintCache, Rules = rules }).Findings;
            Phase("apply settings", () => Linter.ApplySettings(baseline, all, rules));
            var moved = Apply(baseline, new TextChange(new TextSpan(0, 0), " "));
            var flip = false;
            Phase("pipeline, every statement moved (a space typed at the start and deleted, in turn)", () =>
                FindingsPipeline.Analyze((flip = !flip) ? moved : baseline, new AnalysisInput { Cache = lintCache, Rules = rules }));
            if (System.Environment.GetEnvironmentVariable("DBAGENT_BENCH_ALLOCATIONS") == "1")
            {
                // What the moved case allocates, by type (sampled by the runtime about every 100 KB).
                using var sampler = new AllocationSampler();
                sampler.Start();
                for (var k = 0; k < 300; k++) FindingsPipeline.Analyze((flip = !flip) ? moved : baseline, new AnalysisInput { Cache = lintCache, Rules = rules });
                sampler.Stop();
                Console.WriteLine("  allocated per run by the moved case, by type:");
                sampler.Print(25, 300);
                sampler.Start();
                for (var k = 0; k < 300; k++) FindingsPipeline.Analyze(baseline, new AnalysisInput { Cache = lintCache, Rules = rules });
                sampler.Stop();
                Console.WriteLine("  allocated per run with nothing changed, by type:");
                sampler.Print(15, 300);
            }
            Phase("pipeline, nothing changed", () => FindingsPipeline.Analyze(baseline, new AnalysisInput { Cache = lintCache, Rules = rules }));
            Phase("statement loop", () => { var n = 0L; foreach (var st in baseline.Statements) n += st.Span.Start; });
        }
        Console.WriteLine($"the pipeline with nothing changed (every statement's findings cached): p50 {Measure.Percentile(unchanged, 50):F2} ms, p95 {Measure.Percentile(unchanged, 95):F2} ms");
        var diagnostics = new List<double>(edits);
        // Each edit is made to the version analysed last and then undone (the undo analysed too, untimed), as in the
        // editor: a version is an edit of the one before, and what the analysis of that one found is carried over.
        var current = baseline;
        SqlScript Undo(SqlScript edited, TextChange change)
        {
            var undone = Apply(edited, new TextChange(new TextSpan(change.Span.Start, change.NewText.Length), text.Substring(change.Span.Start, change.Span.Length)));
            FindingsPipeline.Analyze(undone, new AnalysisInput { Cache = lintCache, Rules = rules });
            return undone;
        }
        foreach (var change in changes.Take(50))
        {
            // Warm-up: every step of the timed loop, so that the timings are of optimised code.
            var edited = Apply(current, change);
            FindingsPipeline.Analyze(edited, new AnalysisInput { Cache = lintCache, Rules = rules });
            current = Undo(edited, change);
            Full(baseline, change);
        }
        var incremental = new List<double>(edits);
        var full = new List<double>(edits);
        var statements = 0L;
        var mismatches = 0;
        var byClass = new Dictionary<string, List<double>>();
        var quoteEdits = new List<double>();
        var otherEdits = new List<double>();
        // Pass 1, timed: what the editor does on a keystroke. The full re-parses of pass 2 allocate hundreds of MB;
        // interleaved, their garbage would be collected inside these timings.
        var summaries = new List<(TextSpan Span, Sql.Semantics.StatementKind Kind)[]>(edits);
        var cpu = TimeSpan.Zero;
        var pauses = TimeSpan.Zero;
        var allocated = 0L;
        var collections = (0, 0, 0);
        using var self = Process.GetCurrentProcess();
        foreach (var change in changes.Skip(50))
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var pausedBefore = GC.GetTotalPauseDuration();
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var collectionsBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var stopwatch = Stopwatch.StartNew();
            var script = Apply(current, change);
            incremental.Add(stopwatch.Elapsed.TotalMilliseconds);
            // The editor's whole path: the one pipeline (every rule, script rules, the engine's exact syntax errors).
            FindingsPipeline.Analyze(script, new AnalysisInput { Cache = lintCache, Rules = rules });
            diagnostics.Add(stopwatch.Elapsed.TotalMilliseconds);
            pauses += GC.GetTotalPauseDuration() - pausedBefore;
            allocated += GC.GetTotalAllocatedBytes() - allocatedBefore;
            collections = (collections.Item1 + GC.CollectionCount(0) - collectionsBefore.Item1, collections.Item2 + GC.CollectionCount(1) - collectionsBefore.Item2,
                collections.Item3 + GC.CollectionCount(2) - collectionsBefore.Item3);
            self.Refresh();
            cpu += self.TotalProcessorTime - cpuBefore;
            summaries.Add(Summary(script));
            current = Undo(script, change);
            // A quote typed or deleted changes how the rest of the file lexes: the one edit that cannot stay local.
            var touchesQuote = change.NewText.Contains('\'') || text.AsSpan(change.Span.Start, change.Span.Length).Contains('\'');
            (touchesQuote ? quoteEdits : otherEdits).Add(incremental[^1]);
            var removed = text.Substring(change.Span.Start, change.Span.Length);
            var cls = $"{(change.Span.Length == 0 ? "insert" : change.NewText.Length == 0 ? "delete" : "replace")} {Class(change.NewText.Length > 0 ? change.NewText : removed)}";
            if (!byClass.TryGetValue(cls, out var list)) byClass[cls] = list = [];
            list.Add(incremental[^1]);
        }


        // Pass 2: the same edits parsed in full, for comparison, and the incremental results checked against them.
        foreach (var (change, summary) in changes.Skip(50).Zip(summaries))
        {
            var stopwatch = Stopwatch.StartNew();
            var reference = Full(baseline, change);
            full.Add(stopwatch.Elapsed.TotalMilliseconds);
            statements += summary.Length;
            // The incremental result must equal a full parse: same statements at the same places, same models' kinds.
            if (!summary.AsSpan().SequenceEqual(Summary(reference)))
                mismatches++;
        }
        incremental.Sort();
        full.Sort();
        diagnostics.Sort();
        Console.WriteLine($"{edits} edits, incremental: p50 {Measure.Percentile(incremental, 50):F2} ms, p95 {Measure.Percentile(incremental, 95):F2} ms, p99 {Measure.Percentile(incremental, 99):F2} ms, max {incremental[^1]:F2} ms (target p95 < 16 ms)");
        Console.WriteLine($"{edits} edits, edit to fresh diagnostics (parse + lint): p50 {Measure.Percentile(diagnostics, 50):F2} ms, p95 {Measure.Percentile(diagnostics, 95):F2} ms, p99 {Measure.Percentile(diagnostics, 99):F2} ms (target p95 < 16 ms)");
        Console.WriteLine($"  CPU per edit, parse + lint (this process, every thread: GC included): {cpu.TotalMilliseconds / edits:F2} ms");
        Console.WriteLine($"  GC inside those timings (edit + parse + lint): {allocated / 1e6 / edits:F1} MB allocated and {pauses.TotalMilliseconds / edits:F2} ms paused per edit, collections gen0/1/2 {collections.Item1}/{collections.Item2}/{collections.Item3}");
        Console.WriteLine($"{edits} edits, full re-parse: p50 {Measure.Percentile(full, 50):F2} ms, p95 {Measure.Percentile(full, 95):F2} ms, p99 {Measure.Percentile(full, 99):F2} ms, max {full[^1]:F2} ms (for comparison)");
        quoteEdits.Sort();
        otherEdits.Sort();
        if (otherEdits.Count > 0)
            Console.WriteLine($"  of which {otherEdits.Count} edits not touching a quote: p50 {Measure.Percentile(otherEdits, 50):F2} ms, p95 {Measure.Percentile(otherEdits, 95):F2} ms, p99 {Measure.Percentile(otherEdits, 99):F2} ms");
        if (quoteEdits.Count > 0)
            Console.WriteLine($"  and {quoteEdits.Count} edits adding or removing a quote: p50 {Measure.Percentile(quoteEdits, 50):F2} ms, p95 {Measure.Percentile(quoteEdits, 95):F2} ms");
        Console.WriteLine("  by kind of edit (count, p50, p95 ms): " + string.Join("; ", byClass.OrderBy(k => k.Key).Select(k =>
        {
            k.Value.Sort();
            return $"{k.Key} {k.Value.Count} {Measure.Percentile(k.Value, 50):F1}/{Measure.Percentile(k.Value, 95):F1}";
        })));
        Console.WriteLine($"incremental results that differ from a full parse: {mismatches}");
        QuoteTypedAndDeleted(baseline);
        Console.WriteLine($"mean statements per fresh model {statements / (double)edits:F0}");
        Console.WriteLine($"peak working set {Measure.PeakWorkingSet()}");
        if (phases) ServerPhases(text, edits, lintCache, rules);
        return mismatches == 0 ? 0 : 1;
    }

    /// <summary>
    /// The worst single keystroke: a quote typed into a string literal in the middle of the file turns the rest of the
    /// file inside out (strings become code and code strings, to the end), and deleting it turns it back. Both re-lex
    /// and re-split everything after the edit; timed for the incremental parse alone.
    /// </summary>
    private static void QuoteTypedAndDeleted(SqlScript baseline)
    {
        var text = baseline.Text.Text;
        var at = text.IndexOf("'active'", text.Length / 2, StringComparison.Ordinal) + 3;
        var typed = new List<double>();
        var deleted = new List<double>();
        var statements = (0, 0);
        for (var k = 0; k < 80; k++)
        {
            var quote = new TextChange(new TextSpan(at, 0), "'");
            var stopwatch = Stopwatch.StartNew();
            var inside = Apply(baseline, quote);
            var a = stopwatch.Elapsed.TotalMilliseconds;
            var undo = new TextChange(new TextSpan(at, 1), "");
            stopwatch.Restart();
            var back = inside.WithChanges(inside.Text.WithChange(undo), [undo]);
            var b = stopwatch.Elapsed.TotalMilliseconds;
            statements = (inside.Statements.Count, back.Statements.Count);
            if (k < 20) continue; // warm-up
            typed.Add(a);
            deleted.Add(b);
        }
        typed.Sort();
        deleted.Sort();
        Console.WriteLine($"a quote typed mid-file (statements {baseline.Statements.Count} -> {statements.Item1}): p50 {Measure.Percentile(typed, 50):F2} ms, p95 {Measure.Percentile(typed, 95):F2} ms; "
            + $"deleted again (-> {statements.Item2}): p50 {Measure.Percentile(deleted, 50):F2} ms, p95 {Measure.Percentile(deleted, 95):F2} ms (incremental parse only)");
    }

    /// <summary>
    /// The language server's steps for one keystroke, in this process and timed apart: each edit and its undo applied
    /// to the open document (positions to offsets, the new text), the incremental parse, the findings pipeline, the
    /// findings made diagnostics (as the server does, with what the document's previous publish made), and those
    /// serialised as the publishDiagnostics notification's JSON.
    /// </summary>
    private static void ServerPhases(string text, int edits, LintCache lintCache, RuleSettings rules)
    {
        var options = Server.Host.LanguageServerHost.SerializerOptions();
        var random = new Random(7);
        var lines = text.Split('\n');
        var snapshot = new Server.Documents.DocumentSnapshot("file:///bench.sql", 1, "sql", SourceText.From(text), SqlScript.Parse(SourceText.From(text), SqlDialect.Postgres), Sql.Dialects.DialectSource.Setting);
        string[] names = ["text", "parse", "pipeline", "to diagnostics", "serialise", "total"];
        var times = names.Select(_ => new List<double>()).ToArray();
        var bytes = 0L;
        var publication = new Server.Features.Diagnostics.DiagnosticsPublication();
        var allocated = new long[names.Length];
        var gcs = 0;
        var gen2 = 0;
        var paused = TimeSpan.Zero;
        var cpu = TimeSpan.Zero;
        void Step(LinePosition start, LinePosition end, string inserted, bool timed)
        {
            var a0 = GC.GetAllocatedBytesForCurrentThread();
            var gc0 = GC.CollectionCount(0);
            var gen20 = GC.CollectionCount(2);
            var paused0 = GC.GetTotalPauseDuration();
            var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var t0 = Stopwatch.GetTimestamp();
            var change = new TextChange(snapshot.Text.GetSpan(start, end), inserted);
            var newText = snapshot.Text.WithChange(change);
            var t1 = Stopwatch.GetTimestamp();
            var a1 = GC.GetAllocatedBytesForCurrentThread();
            var script = snapshot.Script.WithChanges(newText, [change]);
            snapshot = snapshot with { Version = snapshot.Version + 1, Text = newText, Script = script };
            var t2 = Stopwatch.GetTimestamp();
            var a2 = GC.GetAllocatedBytesForCurrentThread();
            var findings = FindingsPipeline.Analyze(script, new AnalysisInput { Cache = lintCache, Rules = rules }).Findings;
            var t3 = Stopwatch.GetTimestamp();
            var a3 = GC.GetAllocatedBytesForCurrentThread();
            var diagnostics = publication.Prepare(snapshot, findings);
            var t4 = Stopwatch.GetTimestamp();
            var a4 = GC.GetAllocatedBytesForCurrentThread();
            var json = JsonSerializer.SerializeToUtf8Bytes(new Server.Protocol.PublishDiagnosticsParams { Uri = snapshot.Uri, Version = snapshot.Version, Diagnostics = diagnostics }, options);
            var t5 = Stopwatch.GetTimestamp();
            var a5 = GC.GetAllocatedBytesForCurrentThread();
            if (!timed) return;
            cpu += System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            gcs += GC.CollectionCount(0) - gc0;
            gen2 += GC.CollectionCount(2) - gen20;
            paused += GC.GetTotalPauseDuration() - paused0;
            long[] al = [a0, a1, a2, a3, a4, a5];
            for (var k = 0; k < 5; k++) allocated[k] += al[k + 1] - al[k];
            allocated[5] += a5 - a0;
            if (System.Environment.GetEnvironmentVariable("KEYS14B_DUMP") is { } dump) File.WriteAllBytes(dump, json);
            bytes += json.Length;
            long[] at = [t0, t1, t2, t3, t4, t5];
            for (var k = 0; k < 5; k++) times[k].Add(Stopwatch.GetElapsedTime(at[k], at[k + 1]).TotalMilliseconds);
            times[5].Add(Stopwatch.GetElapsedTime(t0, t5).TotalMilliseconds);
        }
        const string alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789 ,()=;'\n";
        for (var k = 0; k < edits + 50; k++)
        {
            var line = random.Next(lines.Length - 1);
            var column = random.Next(lines[line].Length + 1);
            var ch = alphabet[random.Next(alphabet.Length)].ToString();
            var at = new LinePosition(line, column);
            var after = ch == "\n" ? new LinePosition(line + 1, 0) : new LinePosition(line, column + 1);
            Step(at, at, ch, k >= 50);
            Step(at, after, "", k >= 50);
        }
        Console.WriteLine($"the server's steps per keystroke, in process ({times[0].Count} edits and undos; p50 / p95 ms):");
        for (var k = 0; k < names.Length; k++)
        {
            times[k].Sort();
            Console.WriteLine($"  {names[k]}: {Measure.Percentile(times[k], 50):F2} / {Measure.Percentile(times[k], 95):F2}; {allocated[k] / 1024.0 / times[k].Count:F0} KiB allocated per keystroke");
        }
        Console.WriteLine($"  publishDiagnostics JSON: {bytes / (double)times[0].Count / 1024:F0} KiB per publish; CPU {cpu.TotalMilliseconds / times[0].Count:F2} ms per keystroke (every thread, GC included); {gcs} collections ({gen2} of them gen2), {paused.TotalMilliseconds / times[0].Count:F2} ms paused per keystroke");
        Measure.Load();
    }

    /// <summary>
    /// The editor's whole path: a real `dbagent lsp` process, the migration opened, then random single-character edits
    /// each followed by its undo (so the document stays the generated migration), each timed from sending didChange
    /// to reading the publishDiagnostics that carries that version. One edit at a time: the next is sent after the
    /// previous one's diagnostics arrived.
    /// </summary>
    private static async Task<int> OverLsp(string text, int edits, bool rpcClient)
    {
        Console.WriteLine();
        Console.WriteLine("== dbagent lsp over stdio: textDocument/didChange to the textDocument/publishDiagnostics of that version, every rule on");
        var server = Path.Combine(AppContext.BaseDirectory, "dbagent.dll");
        var folder = Path.Combine(Path.GetTempPath(), $"dbagent-edit-bench-{System.Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            var settings = JsonSerializer.SerializeToElement(Settings());
            await using IEditorClient lsp = rpcClient ? LspProcess.Start("dotnet", [server, "lsp"], settings, null) : LeanLspClient.Start("dotnet", [server, "lsp"], settings);
            Console.WriteLine(rpcClient
                ? "client: StreamJsonRpc (a general RPC library: each publish read, parsed, its parameter copied and dispatched to the thread pool)"
                : "client: each message read whole and parsed once (JsonDocument), publishes reported from the reading thread (VS Code's own client library costs more: keystroke-vscode-client.mjs)");
            var uri = new Uri(Path.Combine(folder, "V001__generated.sql")).AbsoluteUri;
            var waiting = new System.Collections.Concurrent.ConcurrentDictionary<int, TaskCompletionSource<int>>();
            lsp.Published += (u, version, count) =>
            {
                if (u == uri && version is int v && waiting.TryRemove(v, out var done)) done.TrySetResult(count);
            };
            await lsp.InitializeAsync(folder);
            var sw = Stopwatch.StartNew();
            var first = Expect(waiting, 1);
            await lsp.OpenAsync(uri, text);
            var firstCount = await first.WaitAsync(TimeSpan.FromSeconds(300));
            Console.WriteLine($"open to first diagnostics: {sw.Elapsed.TotalMilliseconds:F0} ms, {firstCount} diagnostics");

            var lines = text.Split('\n');
            var random = new Random(7);
            const string alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789 ,()=;'\n";
            var version = 1;
            var latencies = new List<double>(edits * 2);
            var diagnostics = 0L;
            async Task<double> Send(Position start, Position end, string inserted)
            {
                var v = ++version;
                var published = Expect(waiting, v);
                var timer = Stopwatch.StartNew();
                await lsp.ChangeAsync(uri, v, start, end, inserted);
                diagnostics += await published.WaitAsync(TimeSpan.FromSeconds(60));
                return timer.Elapsed.TotalMilliseconds;
            }
            // Enough edits for tiered compilation to have optimised the keystroke path (a method is after 30 calls).
            const int warmUp = 60;
            var cpu = TimeSpan.Zero;
            for (var k = 0; k < edits + warmUp; k++)
            {
                if (k == warmUp) cpu = lsp.CpuTime();
                var line = random.Next(lines.Length - 1);
                var length = lines[line].Length;
                var column = random.Next(length + 1);
                var ch = alphabet[random.Next(alphabet.Length)].ToString();
                var at = new Position(line, column);
                // The edit, then the edit that undoes it.
                (Position Start, Position End, string Text) edit, undo;
                var kind = column < length ? random.Next(3) : 0;
                var after = ch == "\n" ? new Position(line + 1, 0) : new Position(line, column + 1);
                var removed = column < length ? lines[line][column].ToString() : "";
                (edit, undo) = kind switch
                {
                    0 => ((at, at, ch), (at, after, "")),
                    1 => ((at, new Position(line, column + 1), ""), (at, at, removed)),
                    _ => ((at, new Position(line, column + 1), ch), (at, after, removed)),
                };
                var a = await Send(edit.Start, edit.End, edit.Text);
                var b = await Send(undo.Start, undo.End, undo.Text);
                if (k < warmUp) continue;
                latencies.Add(a);
                latencies.Add(b);
            }
            cpu = lsp.CpuTime() - cpu;
            latencies.Sort();
            Console.WriteLine($"{latencies.Count} edits (each random edit and its undo), didChange to publishDiagnostics of that version: p50 {Measure.Percentile(latencies, 50):F2} ms, "
                + $"p95 {Measure.Percentile(latencies, 95):F2} ms, p99 {Measure.Percentile(latencies, 99):F2} ms, max {latencies[^1]:F2} ms (target p95 <= 16 ms)");
            Console.WriteLine($"  server CPU per edit (user + system, all threads: apply, analyse, publish): {cpu.TotalMilliseconds / latencies.Count:F2} ms");
            Console.WriteLine($"  mean diagnostics per publish {diagnostics / (double)(2 * (edits + warmUp)):F0}");
            var (rss, peak) = lsp.Memory();
            Console.WriteLine($"  dbagent working set: {rss:F0} MiB resident, {peak:F0} MiB peak");
            Measure.Load();
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static Task<int> Expect(System.Collections.Concurrent.ConcurrentDictionary<int, TaskCompletionSource<int>> waiting, int version)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting[version] = done;
        return done.Task;
    }

    private static string Class(string s) => s.Length == 0 ? "nothing" : s[0] switch
    {
        '\'' => "quote",
        ';' => "semicolon",
        '(' or ')' => "paren",
        '\n' => "newline",
        ' ' or '\t' => "space",
        ',' => "comma",
        _ when char.IsAsciiDigit(s[0]) => "digit",
        _ when char.IsLetter(s[0]) || s[0] == '_' => "letter",
        _ => "other",
    };

    private static (TextSpan Span, Sql.Semantics.StatementKind Kind)[] Summary(SqlScript script) =>
        script.Statements.Select(x => (x.Span, x.Model.Kind)).ToArray();

    private static SqlScript Full(SqlScript baseline, TextChange change) => SqlScript.Parse(baseline.Text.WithChange(change), SqlDialect.Postgres);

    private static SqlScript Apply(SqlScript baseline, TextChange change) => baseline.WithChanges(baseline.Text.WithChange(change), [change]);
}

/// <summary>A realistic migration file: tables with keys and defaults, indexes, alters, data and a few views.</summary>
internal static class MigrationGenerator
{
    public static string Generate(int lines, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(lines * 48);
        var count = 0;
        var table = 0;
        void Line(string s) { sb.Append(s).Append('\n'); count++; }
        while (count < lines)
        {
            table++;
            var name = $"table_{table}";
            Line($"-- migration step {table}: {name}");
            Line($"CREATE TABLE {name} (");
            Line("    id bigserial PRIMARY KEY,");
            Line($"    account_id bigint NOT NULL REFERENCES table_{Math.Max(1, table - 1)} (id),");
            Line("    email character varying(255) NOT NULL,");
            Line("    status text NOT NULL DEFAULT 'new',");
            Line("    amount numeric(12, 2),");
            Line("    created_at timestamp with time zone NOT NULL DEFAULT now()");
            Line(");");
            Line($"CREATE INDEX {name}_account_idx ON {name} (account_id, created_at DESC);");
            Line($"CREATE UNIQUE INDEX {name}_email_key ON {name} (lower(email)) WHERE status <> 'deleted';");
            Line($"ALTER TABLE {name} ADD COLUMN note text;");
            Line($"ALTER TABLE {name} ALTER COLUMN amount SET DEFAULT 0;");
            Line($"INSERT INTO {name} (account_id, email, status, amount) VALUES ({random.Next(1, 1000)}, 'user{random.Next()}@example.com', 'active', {random.Next(1, 99999)}.{random.Next(10, 99)});");
            Line($"UPDATE {name} SET status = 'active' WHERE amount > {random.Next(100)} AND created_at < now() - interval '1 day';");
            if (table % 5 == 0)
            {
                Line($"CREATE VIEW {name}_recent AS");
                Line($"    SELECT t.id, t.email, a.status FROM {name} t JOIN table_{table - 1} a ON a.id = t.account_id");
                Line("    WHERE t.created_at > now() - interval '7 days' ORDER BY t.created_at DESC LIMIT 100;");
            }
            Line("");
        }
        return sb.ToString();
    }
}
