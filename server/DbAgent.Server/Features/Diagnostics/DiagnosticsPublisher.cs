using System.Collections.Concurrent;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Features.Plans;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>
/// Publishes textDocument/publishDiagnostics for open documents: debounced after each version, cancelled when a
/// newer version arrives (the latest version wins), cleared with an empty list on close. A document that cannot be
/// analysed is logged and gets what could be found; it never takes the server down.
/// </summary>
public sealed class DiagnosticsPublisher
{
    private readonly DocumentStore _documents;
    private readonly WorkspaceConfiguration _configuration;
    private readonly ILanguageClient _client;
    private readonly ServerLogger _log;
    private readonly PlanDiagnostics _plans;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PublishedFindings> _published = new(StringComparer.Ordinal);
    /// <summary>Per open document: an edit re-runs the rules only on the statements it touched.</summary>
    private readonly ConcurrentDictionary<string, LintCache> _lintCaches = new(StringComparer.Ordinal);

    public DiagnosticsPublisher(DocumentStore documents, WorkspaceConfiguration configuration, PlanDiagnostics plans, ILanguageClient client, ServerLogger log,
        Func<string, DbAgent.Sql.Schema.SchemaModel?>? schema = null)
    {
        Schema = schema;
        _plans = plans;
        plans.Updated += Schedule;
        _documents = documents;
        _configuration = configuration;
        _client = client;
        _log = log;
        documents.Changed += snapshot => Schedule(snapshot.Uri);
        documents.Closed += Clear;
        configuration.Changed += () => { foreach (var uri in documents.OpenDocuments) Schedule(uri); };
    }

    /// <summary>The schema the schema-aware rules read for a document (the workspace migrations' once built); never waits.</summary>
    public Func<string, DbAgent.Sql.Schema.SchemaModel?>? Schema { get; }

    /// <summary>How long to wait after an edit before analysing: typing bursts collapse into one analysis.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The findings last published for a document, with the version they were computed on.</summary>
    public PublishedFindings? LastPublished(string uri) => _published.TryGetValue(uri, out var p) ? p : null;

    public void Schedule(string uri)
    {
        var cts = new CancellationTokenSource();
        _pending.AddOrUpdate(uri, cts, (_, old) => { old.Cancel(); return cts; });
        _ = RunAsync(uri, cts);
    }

    private async Task RunAsync(string uri, CancellationTokenSource cts)
    {
        var token = cts.Token;
        try
        {
            await Task.Delay(Debounce, token).ConfigureAwait(false);
            var snapshot = _documents.TryGet(uri);
            if (snapshot is null) return;
            var findings = Analyze(snapshot, token);
            token.ThrowIfCancellationRequested();
            // A newer version may have been applied meanwhile; its own run publishes.
            if (_documents.TryGet(uri)?.Version != snapshot.Version) return;
            var first = !_published.ContainsKey(uri);
            _published[uri] = new PublishedFindings(snapshot.Version, findings);
            // The first analysis of a file over the size policy (its parse included) leaves much garbage: give it back.
            if (first && _configuration.For(uri).Analysis.LargeReason(snapshot.Script) is not null) _documents.Memory.Schedule();
            await _client.NotifyAsync(Methods.PublishDiagnostics, new PublishDiagnosticsParams
            {
                Uri = uri,
                Version = snapshot.Version,
                Diagnostics = findings.Select(f => ToDiagnostic(snapshot, f)).ToList(),
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.Error($"Diagnostics for {uri} failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            // Not disposed: a newer Schedule may still cancel it, and a CTS without a timer holds nothing.
            _pending.TryRemove(new KeyValuePair<string, CancellationTokenSource>(uri, cts));
        }
    }

    /// <summary>The findings of one snapshot under its settings; what fails is logged and the rest kept.</summary>
    public IReadOnlyList<Finding> Analyze(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        try
        {
            if (_configuration.IsIgnored(snapshot.Uri)) return [];
            var settings = _configuration.For(snapshot.Uri);
            var cache = _lintCaches.GetOrAdd(snapshot.Uri, _ => new LintCache());
            // The pipeline every caller shares: plan findings and drift go in as external findings.
            var input = settings.AnalysisInput(cache, _plans.FindingsFor(snapshot)) with { Schema = Schema?.Invoke(snapshot.Uri) };
            var result = FindingsPipeline.Analyze(snapshot.Script, input, cancellationToken);
            foreach (var problem in result.Problems) _log.Warning($"{snapshot.Uri}: {problem}");
            return result.Findings;
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e)
        {
            _log.Error($"Could not analyse {snapshot.Uri}: {e.GetType().Name}: {e.Message}");
            return [];
        }
    }

    public static Diagnostic ToDiagnostic(DocumentSnapshot snapshot, Finding finding) => new()
    {
        Range = snapshot.Text.ToRange(finding.Span),
        Severity = finding.Severity.ToLsp(),
        Code = finding.RuleId,
        CodeDescription = RuleDocumentation.UriFor(finding.RuleId) is { } help ? new CodeDescription(help.AbsoluteUri) : null,
        Source = "dbagent",
        Message = finding.Message,
    };

    private void Clear(string uri)
    {
        if (_pending.TryRemove(uri, out var cts)) cts.Cancel();
        _published.TryRemove(uri, out _);
        _lintCaches.TryRemove(uri, out _);
        _ = _client.NotifyAsync(Methods.PublishDiagnostics, new PublishDiagnosticsParams { Uri = uri, Diagnostics = [] })
            .ContinueWith(t => _log.Debug($"Clearing diagnostics failed: {t.Exception?.GetBaseException().Message}"), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}

public sealed record PublishedFindings(int Version, IReadOnlyList<Finding> Findings);
