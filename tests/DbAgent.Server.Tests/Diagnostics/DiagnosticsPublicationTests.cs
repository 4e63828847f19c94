using System.Text.Json;
using CsCheck;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Diagnostics;

/// <summary>
/// What a publish reuses from the one before (each finding's diagnostic while its range holds, the JSON of what each
/// diagnostic says) must change nothing the client gets: the same diagnostics, and byte for byte the JSON the host's
/// serializer writes for them.
/// </summary>
[TestFixture]
public sealed class DiagnosticsPublicationTests
{
    private static readonly JsonSerializerOptions HostOptions = LanguageServerHost.SerializerOptions();

    /// <summary>Findings of every kind the rules make: several per line, fixes, quotes and non-ASCII in messages.</summary>
    private const string Migration = """
        CREATE TABLE a (id serial PRIMARY KEY, name varchar(20), born timestamp);
        CREATE INDEX a_name ON a (name);
        ALTER TABLE b ADD COLUMN c int NOT NULL;
        BEGIN;
        CREATE INDEX CONCURRENTLY b_c ON b (c);
        ALTER TABLE b ALTER COLUMN c TYPE bigint;
        UPDATE b SET c = 1;
        COMMIT;
        DELETE FROM a WHERE name = NULL; DELETE FROM b;
        SELECT * FROM a, b LIMIT 10;
        UPDATE a SET name = 'é — ü <x> & "q"';
        """;

    private static readonly RuleSettings AllRules = RuleSettings.From(RuleCatalog.LintRules.Select(r => r.Descriptor)
        .Concat(RuleCatalog.ScriptRules.Select(r => r.Descriptor)).Select(d => new KeyValuePair<string, string?>(d.Id, "default")));

    private static byte[] Expected(IEnumerable<Diagnostic> diagnostics) => JsonSerializer.SerializeToUtf8Bytes(diagnostics.ToArray(), HostOptions);

    [Test]
    public void Over_random_edits_each_publish_equals_diagnostics_made_afresh_and_their_json()
    {
        // Line breaks typed, deleted and put in place of a character (the text keeps its length, the lines move).
        var edits = Gen.Select(Gen.Int[0, Migration.Length], Gen.Int[0, 3], Gen.String[Gen.Char["ab ;'()=\n\nNULL"], 0, 4]);
        edits.List[1, 12].Sample(list =>
        {
            var cache = new LintCache();
            var publication = new DiagnosticsPublication();
            var script = SqlScript.Parse(Migration, SqlDialect.Postgres);
            var version = 1;
            Publish();
            foreach (var (position, length, inserted) in list)
            {
                var start = Math.Min(position, script.Text.Length);
                var change = new TextChange(new TextSpan(start, Math.Min(length, script.Text.Length - start)), inserted);
                script = script.WithChanges(script.Text.WithChange(change), [change]);
                version++;
                Publish();
            }

            void Publish()
            {
                var snapshot = new DocumentSnapshot("file:///m.sql", version, "sql", script.Text, script, DialectSource.Setting);
                var findings = FindingsPipeline.Analyze(script, new AnalysisInput { Rules = AllRules, Cache = cache }).Findings;
                var prepared = publication.Prepare(snapshot, findings);
                var fresh = findings.Select(f => DiagnosticsPublisher.ToDiagnostic(snapshot, f)).ToArray();
                Assert.That(prepared.ToArray(), Is.EqualTo(fresh), script.Text.ToString());
                Assert.That(System.Text.Encoding.UTF8.GetString(prepared.Json.Span), Is.EqualTo(System.Text.Encoding.UTF8.GetString(Expected(fresh))), script.Text.ToString());
            }
        }, iter: 120);
    }

    [Test]
    public void Typing_within_a_line_writes_only_the_diagnostics_around_it_and_copies_the_rest()
    {
        var cache = new LintCache();
        var publication = new DiagnosticsPublication();
        var script = SqlScript.Parse(Migration, SqlDialect.Postgres);
        var version = 1;
        PreparedDiagnostics Publish()
        {
            var snapshot = new DocumentSnapshot("file:///m.sql", version++, "sql", script.Text, script, DialectSource.Setting);
            var findings = FindingsPipeline.Analyze(script, new AnalysisInput { Rules = AllRules, Cache = cache }).Findings;
            var prepared = publication.Prepare(snapshot, findings);
            Assert.That(System.Text.Encoding.UTF8.GetString(prepared.Json.Span),
                Is.EqualTo(System.Text.Encoding.UTF8.GetString(Expected(findings.Select(f => DiagnosticsPublisher.ToDiagnostic(snapshot, f))))));
            return prepared;
        }
        var all = Publish().Count;
        Assert.That(publication.LastWritten, Is.EqualTo(all), "the first publish writes every diagnostic");
        // A digit typed in "LIMIT 10" (line 10): the findings on that line and after it on the line are written anew.
        var at = Migration.IndexOf("LIMIT 10", StringComparison.Ordinal) + 7;
        var change = new TextChange(new TextSpan(at, 0), "0");
        script = script.WithChanges(script.Text.WithChange(change), [change]);
        Assert.That(Publish().Count, Is.EqualTo(all));
        Assert.That(publication.LastWritten, Is.LessThanOrEqualTo(3), "only what lies on the edited line");
        // A line break typed on the second line: every line after it moves, so all that follows is written again.
        var second = Migration.IndexOf("CREATE INDEX a_name", StringComparison.Ordinal);
        change = new TextChange(new TextSpan(second, 0), "\n");
        script = script.WithChanges(script.Text.WithChange(change), [change]);
        var moved = Publish();
        Assert.That(publication.LastWritten, Is.EqualTo(moved.Count(d => d.Range.Start.Line >= 1)));
    }

    [Test]
    public void The_notification_writes_the_prepared_json_and_reads_back_as_the_same_diagnostics()
    {
        var script = SqlScript.Parse(Migration, SqlDialect.Postgres);
        var snapshot = new DocumentSnapshot("file:///m.sql", 4, "sql", script.Text, script, DialectSource.Setting);
        var findings = FindingsPipeline.Analyze(script, new AnalysisInput { Rules = AllRules }).Findings;
        Assert.That(findings, Has.Count.GreaterThan(10), "the migration has findings of many rules");
        var prepared = new DiagnosticsPublication().Prepare(snapshot, findings);
        Assert.That(prepared.Json.IsEmpty, Is.False, "the host's serializer writes the shape the publication expects");
        var withPrepared = JsonSerializer.Serialize(new PublishDiagnosticsParams { Uri = snapshot.Uri, Version = 4, Diagnostics = prepared }, HostOptions);
        var withObjects = JsonSerializer.Serialize(new PublishDiagnosticsParams { Uri = snapshot.Uri, Version = 4, Diagnostics = prepared.ToList() }, HostOptions);
        Assert.That(withPrepared, Is.EqualTo(withObjects));
        var read = JsonSerializer.Deserialize<PublishDiagnosticsParams>(withPrepared, HostOptions)!;
        Assert.That(read.Diagnostics, Is.EqualTo(prepared.ToArray()));
    }

    [Test]
    public void What_each_diagnostic_says_is_serialised_once_and_reused_while_the_findings_only_move()
    {
        var script = SqlScript.Parse(Migration, SqlDialect.Postgres);
        var cache = new LintCache();
        var json = new PublishedJson();
        Diagnostic[] Diagnostics(SqlScript s)
        {
            var snapshot = new DocumentSnapshot("file:///m.sql", 1, "sql", s.Text, s, DialectSource.Setting);
            return FindingsPipeline.Analyze(s, new AnalysisInput { Rules = AllRules, Cache = cache }).Findings
                .Select(f => DiagnosticsPublisher.ToDiagnostic(snapshot, f)).ToArray();
        }
        var first = Diagnostics(script);
        json.Prepare(first);
        var serialised = json.Serialized;
        Assert.That(serialised, Is.GreaterThan(0).And.LessThanOrEqualTo(first.Length));
        // A line typed at the top: every finding moves down a line, none says anything new.
        var change = new TextChange(new TextSpan(0, 0), "-- moved\n");
        var moved = script.WithChanges(script.Text.WithChange(change), [change]);
        var second = Diagnostics(moved);
        var prepared = json.Prepare(second);
        // The whole-script rules run on every version (their messages are new strings); every statement's findings are the cache's.
        var scriptRules = RuleCatalog.ScriptRules.Select(r => r.Descriptor.Id).ToHashSet();
        var fromScriptRules = second.Count(d => d.Code is { } code && scriptRules.Contains(code));
        Assert.That(second.Length - fromScriptRules, Is.GreaterThan(5));
        Assert.That(json.Serialized - serialised, Is.LessThanOrEqualTo(fromScriptRules), "no statement's diagnostic serialised again");
        Assert.That(prepared.Json.ToArray(), Is.EqualTo(Expected(second)));
        Assert.That(second.Select(d => d.Range.Start.Line), Is.EqualTo(first.Select(d => d.Range.Start.Line + 1)));
    }

    [Test]
    public void What_is_remembered_stays_bounded_while_every_finding_moves_and_changes_again_and_again()
    {
        var script = SqlScript.Parse(string.Concat(Enumerable.Repeat(Migration, 8)), SqlDialect.Postgres);
        var cache = new LintCache();
        var publication = new DiagnosticsPublication();
        var most = 0;
        for (var k = 0; k < 60; k++)
        {
            // A line at the top (every finding moves) and, every other time, a statement whose message names a new table.
            var change = new TextChange(new TextSpan(0, 0), k % 2 == 0 ? "-- x\n" : $"ALTER TABLE t{k} ADD COLUMN c int NOT NULL;\n");
            script = script.WithChanges(script.Text.WithChange(change), [change]);
            var snapshot = new DocumentSnapshot("file:///m.sql", k + 2, "sql", script.Text, script, DialectSource.Setting);
            var findings = FindingsPipeline.Analyze(script, new AnalysisInput { Rules = AllRules, Cache = cache }).Findings;
            var prepared = publication.Prepare(snapshot, findings);
            var fresh = findings.Select(f => DiagnosticsPublisher.ToDiagnostic(snapshot, f)).ToArray();
            Assert.That(prepared.Json.ToArray(), Is.EqualTo(Expected(fresh)));
            var (remembered, tails) = publication.Remembered;
            Assert.That(remembered, Is.LessThanOrEqualTo(2 * findings.Count + 64));
            Assert.That(tails, Is.LessThanOrEqualTo(2 * findings.Count + 64));
            most = Math.Max(most, remembered);
        }
        Assert.That(most, Is.GreaterThan(0));
    }

    [Test]
    public void A_finding_an_edit_moves_keeps_its_diagnostic_while_its_line_and_column_hold()
    {
        var script = SqlScript.Parse(Migration, SqlDialect.Postgres);
        var cache = new LintCache();
        var publication = new DiagnosticsPublication();
        Diagnostic[] Publish(SqlScript s, int version)
        {
            var snapshot = new DocumentSnapshot("file:///m.sql", version, "sql", s.Text, s, DialectSource.Setting);
            var findings = FindingsPipeline.Analyze(s, new AnalysisInput { Rules = AllRules, Cache = cache }).Findings;
            var prepared = publication.Prepare(snapshot, findings).ToArray();
            Assert.That(prepared, Is.EqualTo(findings.Select(f => DiagnosticsPublisher.ToDiagnostic(snapshot, f)).ToArray()));
            return prepared;
        }
        var before = Publish(script, 1);
        // A character typed at the end of the first line: every later finding moves by one offset, but not by a line or column.
        var at = Migration.IndexOf('\n');
        var change = new TextChange(new TextSpan(at, 0), " ");
        var after = Publish(script.WithChanges(script.Text.WithChange(change), [change]), 2);
        var statementRules = RuleCatalog.LintRules.Select(r => r.Descriptor.Id).ToHashSet();
        var later = after.Where(d => d.Range.Start.Line > 0 && d.Code is { } code && statementRules.Contains(code)).ToList();
        Assert.That(later, Has.Count.GreaterThan(5));
        Assert.That(later.All(d => before.Any(b => ReferenceEquals(b, d))), Is.True, "each moved finding's diagnostic is last publish's object");
    }

    [Test]
    public void A_list_that_is_not_prepared_is_written_as_the_serializer_writes_it()
    {
        var diagnostic = new Diagnostic { Range = new Range(new Position(1, 2), new Position(3, 4)), Severity = DiagnosticSeverity.Warning, Code = "x", Message = "m \"q\" <" };
        var json = JsonSerializer.Serialize(new PublishDiagnosticsParams { Uri = "file:///m.sql", Diagnostics = [diagnostic] }, HostOptions);
        Assert.That(json, Does.Contain("\"diagnostics\":" + JsonSerializer.Serialize(new[] { diagnostic }, HostOptions)));
        Assert.That(JsonSerializer.Deserialize<PublishDiagnosticsParams>(json, HostOptions)!.Diagnostics, Is.EqualTo(new[] { diagnostic }));
    }
}
