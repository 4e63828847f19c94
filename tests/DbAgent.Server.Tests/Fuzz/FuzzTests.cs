using DbAgent.Analysis.Pipeline;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Settings;
using DbAgent.Server.Tests.Chat;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Fuzz;

/// <summary>
/// The fuzzing suite (issue 12). Bounded by default so that it fits `npm test`; the long form runs on demand with
/// a larger budget from the environment:
/// <code>DBAGENT_FUZZ_DOCUMENTS=100000 DBAGENT_FUZZ_EDITS=100000 dotnet test tests/DbAgent.Server.Tests --filter TestCategory=Fuzz</code>
/// (DBAGENT_FUZZ_SEED changes the seed; DBAGENT_FUZZ_MESSAGES the number of malformed JSON-RPC messages). A crash
/// is an exception out of the analysis (a native crash ends the run itself); a hang is a document whose analysis
/// takes longer than <see cref="HangLimit"/>. Failing inputs are written under the test's work directory so they can
/// be added to Corpus/.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class FuzzTests
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(5);
    private static readonly SqlDialect[] Dialects = [SqlDialect.Postgres, SqlDialect.MySql, SqlDialect.TSql, SqlDialect.Sqlite];

    private static int Budget(string variable, int bounded) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var n) && n > 0 ? n : bounded;

    private static int Seed => Budget("DBAGENT_FUZZ_SEED", 12);

    private static string SaveFailure(string kind, int index, string text)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{kind}-seed{Seed}-{index}.sql");
        File.WriteAllText(path, text);
        return path;
    }

    private static (long Elapsed, string? Crash) AnalyseOnce(string text, SqlDialect? setting)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var dialect = DbAgent.Sql.Dialects.DialectResolver.Resolve(text, null, setting, out _);
            var script = SqlScript.Parse(SourceText.From(text), dialect);
            var result = FindingsPipeline.Analyze(script, DbAgentSettings.Default.AnalysisInput(), CancellationToken.None);
            foreach (var finding in result.Findings)
                if (finding.Span.Start < 0 || finding.Span.End > text.Length) return (watch.ElapsedMilliseconds, $"finding {finding.RuleId} outside the text: {finding.Span}");
            return (watch.ElapsedMilliseconds, null);
        }
        catch (Exception e)
        {
            return (watch.ElapsedMilliseconds, $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
    }

    [Test]
    public void Random_and_grammar_based_documents_never_crash_or_hang()
    {
        var documents = Budget("DBAGENT_FUZZ_DOCUMENTS", 2000);
        var generators = Dialects.Select((d, i) => new SqlGenerator(Seed * 31 + i, d)).ToArray();
        var failures = new List<string>();
        long slowest = 0, totalMs = 0, chars = 0;
        for (var i = 0; i < documents; i++)
        {
            var generator = generators[i % generators.Length];
            var text = generator.Document();
            chars += text.Length;
            // Half the documents name their dialect through the setting, half leave it to detection.
            var (elapsed, crash) = AnalyseOnce(text, i % 2 == 0 ? generator.Dialect : null);
            totalMs += elapsed;
            slowest = Math.Max(slowest, elapsed);
            if (crash is not null) failures.Add($"crash on document {i} ({SaveFailure("crash", i, text)}): {crash}");
            else if (elapsed > HangLimit.TotalMilliseconds) failures.Add($"hang on document {i} ({SaveFailure("hang", i, text)}): {elapsed} ms");
            if (failures.Count >= 10) break;
        }
        TestContext.Out.WriteLine($"fuzz documents: {documents} documents, {chars / 1024} KiB, seed {Seed}: {failures.Count} failures, slowest {slowest} ms, total {totalMs} ms");
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    private static Position PositionOf(string text, int offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            var c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new Position(line, offset - lineStart);
    }

    /// <summary>An edit must not split a CRLF pair or a surrogate pair: LSP positions cannot address the middle of either.</summary>
    private static int Snap(string text, int offset)
    {
        while (offset > 0 && offset < text.Length &&
               ((text[offset - 1] == '\r' && text[offset] == '\n') || (char.IsHighSurrogate(text[offset - 1]) && char.IsLowSurrogate(text[offset]))))
            offset--;
        return offset;
    }

    private static string Describe(SqlScript script, IReadOnlyList<DbAgent.Analysis.Findings.Finding> findings) =>
        string.Join("\n", script.Statements.Select(s => $"stmt {s.Span} {s.Model.Kind}")
            .Concat(script.Errors.Select(e => $"error {e.Span} {e.Message}"))
            .Concat(findings.Select(f => $"finding {f.RuleId} {f.Span} {f.Message}")));

    [Test]
    public async Task Random_edits_leave_the_same_view_as_a_fresh_parse()
    {
        var edits = Budget("DBAGENT_FUZZ_EDITS", 2000);
        const int editsPerSession = 100;
        var random = new Random(Seed);
        var mismatches = new List<string>();
        var crashes = new List<string>();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var rssBefore = Process.GetCurrentProcess().WorkingSet64;
        var done = 0;
        long slowest = 0;
        for (var session = 0; done < edits; session++)
        {
            var generator = new SqlGenerator(Seed * 7919 + session, Dialects[session % Dialects.Length]);
            var store = new DocumentStore(new ServerLogger(null), _ => generator.Dialect);
            var uri = $"file:///fuzz/{session}.sql";
            var text = generator.Document();
            if (text.Length > 100_000) text = generator.Statement();
            store.Open(new TextDocumentItem(uri, "sql", 1, text));
            var cache = new LintCache();
            for (var e = 0; e < editsPerSession && done < edits; e++, done++)
            {
                var start = Snap(text, random.Next(text.Length + 1));
                var end = Snap(text, Math.Min(text.Length, start + (random.Next(4) == 0 ? random.Next(60) : random.Next(4))));
                if (end < start) end = start;
                var insert = random.Next(3) switch
                {
                    0 => "",
                    1 => generator.Statement() + (random.Next(2) == 0 ? ";\n" : ""),
                    _ => generator.Damage(random.Next(2) == 0 ? "x" : ";"),
                };
                var change = new TextDocumentContentChangeEvent { Range = new Range(PositionOf(text, start), PositionOf(text, end)), Text = insert };
                text = text[..start] + insert + text[end..];
                var watch = Stopwatch.StartNew();
                try
                {
                    store.Change(new VersionedTextDocumentIdentifier(uri, e + 2), [change]);
                    var snapshot = store.TryGet(uri)!;
                    var incremental = FindingsPipeline.Analyze(snapshot.Script, DbAgentSettings.Default.AnalysisInput(cache), CancellationToken.None).Findings;
                    slowest = Math.Max(slowest, watch.ElapsedMilliseconds);
                    if (snapshot.Text.Text != text)
                    {
                        mismatches.Add($"session {session} edit {e}: the store's text differs from the edited text ({SaveFailure("text", done, text)})");
                        break;
                    }
                    var fresh = SqlScript.Parse(SourceText.From(text), snapshot.Dialect);
                    var freshFindings = FindingsPipeline.Analyze(fresh, DbAgentSettings.Default.AnalysisInput(), CancellationToken.None).Findings;
                    var a = Describe(snapshot.Script, incremental);
                    var b = Describe(fresh, freshFindings);
                    if (a != b)
                    {
                        mismatches.Add($"session {session} edit {e}: incremental view differs from a fresh parse ({SaveFailure("edit", done, text)})\n--- incremental\n{a}\n--- fresh\n{b}");
                        break;
                    }
                }
                catch (Exception ex)
                {
                    crashes.Add($"session {session} edit {e}: {ex.GetType().Name}: {ex.Message} ({SaveFailure("edit-crash", done, text)})");
                    break;
                }
                if (watch.ElapsedMilliseconds > HangLimit.TotalMilliseconds)
                    crashes.Add($"session {session} edit {e}: {watch.ElapsedMilliseconds} ms ({SaveFailure("edit-hang", done, text)})");
            }
            store.Close(uri);
            if (mismatches.Count + crashes.Count >= 5) break;
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var rssAfter = Process.GetCurrentProcess().WorkingSet64;
        TestContext.Out.WriteLine($"fuzz edits: {done} edits, seed {Seed}: {mismatches.Count} mismatches, {crashes.Count} crashes/hangs, slowest edit {slowest} ms; " +
                                  $"managed heap {heapBefore / 1048576.0:0.0} -> {heapAfter / 1048576.0:0.0} MiB, RSS {rssBefore / 1048576.0:0.0} -> {rssAfter / 1048576.0:0.0} MiB");
        Assert.That(crashes, Is.Empty, string.Join("\n", crashes));
        Assert.That(mismatches, Is.Empty, string.Join("\n\n", mismatches));
    }

    /// <summary>Malformed JSON-RPC bodies: random JSON of the wrong shapes, truncated JSON, random bytes.</summary>
    private static string MalformedBody(Random random)
    {
        string Value(int depth) => random.Next(depth > 2 ? 5 : 8) switch
        {
            0 => "null",
            1 => random.Next(-5, 100000).ToString(),
            2 => "\"" + new string((char)random.Next('a', 'z'), random.Next(5)) + "\"",
            3 => random.Next(2) == 0 ? "true" : "false",
            4 => "1.5e3",
            5 => "[" + string.Join(",", Enumerable.Range(0, random.Next(3)).Select(_ => Value(depth + 1))) + "]",
            _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => $"\"{Key()}\":{Value(depth + 1)}")) + "}",
        };
        string Key() => random.Next(6) switch { 0 => "id", 1 => "method", 2 => "params", 3 => "jsonrpc", 4 => "result", _ => "error" };
        switch (random.Next(5))
        {
            case 0: return Value(0);
            case 1:
                var whole = $"{{\"jsonrpc\":\"2.0\",\"id\":{Value(2)},\"method\":{Value(2)},\"params\":{Value(1)}}}";
                return whole[..random.Next(1, whole.Length + 1)];
            case 2:
                var bytes = new char[random.Next(1, 40)];
                for (var i = 0; i < bytes.Length; i++) bytes[i] = (char)random.Next(1, 0x7f);
                return new string(bytes);
            case 3: return $"{{\"jsonrpc\":\"2.0\",\"id\":{Value(2)},\"method\":{Value(2)}}}";
            default: return $"{{\"jsonrpc\":{Value(2)},\"method\":\"textDocument/didOpen\",\"params\":{Value(1)}}}";
        }
    }

    [Test]
    public async Task Malformed_json_rpc_messages_are_answered_and_the_server_goes_on()
    {
        var messages = Budget("DBAGENT_FUZZ_MESSAGES", 300);
        var random = new Random(Seed);
        var bodies = Enumerable.Range(0, messages).Select(_ => MalformedBody(random)).ToList();
        // The checker alone, on many more bodies: it never throws.
        for (var i = 0; i < messages * 20; i++)
        {
            var body = Encoding.UTF8.GetBytes(MalformedBody(random));
            Assert.DoesNotThrow(() => LspMessageHandler.Check(ref body));
        }
        await using var lsp = new RawLspConnection();
        await lsp.InitializeAsync();
        var id = 1000;
        foreach (var body in bodies)
        {
            // Messages that happen to be valid requests (an exit, a shutdown) would end the session by right: skip those.
            var bytes = Encoding.UTF8.GetBytes(body);
            if (LspMessageHandler.Check(ref bytes).Problem is null) continue;
            await lsp.SendRawAsync(body);
            if (++id % 25 == 0)
            {
                await lsp.RequestAsync(id, "textDocument/documentSymbol", new { textDocument = new { uri = "file:///none.sql" } });
                await lsp.ResponseAsync(id);
            }
        }
        await lsp.RequestAsync(99, "textDocument/documentSymbol", new { textDocument = new { uri = "file:///none.sql" } });
        await lsp.ResponseAsync(99);
        Assert.That(lsp.ServerRun.IsCompleted, Is.False, "the server is still running");
        var errors = lsp.Received.Count(m => m.TryGetProperty("error", out var e) && e.GetProperty("code").GetInt32() is -32700 or -32600);
        TestContext.Out.WriteLine($"fuzz json-rpc: {bodies.Count} messages, {errors} answered with -32700/-32600");
        Assert.That(errors, Is.GreaterThan(0));
    }
}
