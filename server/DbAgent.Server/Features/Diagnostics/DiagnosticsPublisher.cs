using System.Collections.Concurrent;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Features.Plans;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>
/// Publishes the diagnostics of open documents (textDocument/publishDiagnostics, or to a client that takes them so,
/// splices of the last ones sent: <see cref="CustomMethods.DiagnosticsSplice"/>): each new version is analysed at once
/// when nothing is running for the document; a version that arrives while an analysis runs cancels it, and the latest
/// version is analysed as soon as it stopped (bursts of edits collapse into one analysis, without a fixed delay on every
/// keystroke). Only the latest version is published; a document is cleared with an empty list on close. A document
/// that cannot be analysed is logged and gets what could be found; it never takes the server down.
/// </summary>
public sealed class DiagnosticsPublisher
{
    private readonly DocumentStore _documents;
    private readonly WorkspaceConfiguration _configuration;
    private readonly ILanguageClient _client;
    private readonly ServerLogger _log;
    private readonly PlanDiagnostics _plans;
    /// <summary>Per open document: whether an analysis runs, and whether a newer version waits for it.</summary>
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PublishedFindings> _published = new(StringComparer.Ordinal);
    /// <summary>Per open document: an edit re-runs the rules only on the statements it touched.</summary>
    private readonly ConcurrentDictionary<string, LintCache> _lintCaches = new(StringComparer.Ordinal);
    /// <summary>Whether the client takes diagnostics as splices (<see cref="CustomMethods.DiagnosticsSplice"/>); else whole.</summary>
    private readonly Func<bool> _splices;

    public DiagnosticsPublisher(DocumentStore documents, WorkspaceConfiguration configuration, PlanDiagnostics plans, ILanguageClient client, ServerLogger log,
        Func<string, DbAgent.Sql.Schema.SchemaModel?>? schema = null, Func<bool>? splices = null)
    {
        Schema = schema;
        _splices = splices ?? (static () => false);
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

    /// <summary>The findings last published for a document, with the version they were computed on.</summary>
    public PublishedFindings? LastPublished(string uri) => _published.TryGetValue(uri, out var p) ? p : null;

    public void Schedule(string uri)
    {
        var pending = _pending.GetOrAdd(uri, _ => new Pending());
        lock (pending)
        {
            // What runs analyses an older version: stop it; the loop below then takes the latest.
            pending.Running?.Cancel();
            pending.Dirty = true;
            if (pending.Looping) return;
            pending.Looping = true;
        }
        _ = Task.Run(() => LoopAsync(uri, pending));
    }

    private readonly Lock _interactiveGate = new();
    private int _interactive;
    private TaskCompletionSource _resume = CompletedResume();

    private static TaskCompletionSource CompletedResume()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    /// <summary>The longest analyses wait for a read that asked them to step aside (a completion waiting for a catalog).</summary>
    public TimeSpan MaxStepAside { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A read the user is waiting for as they type (completion) is about to run: analyses step aside until the
    /// returned handle is disposed. A running analysis is cancelled (what it finished per statement stays cached) and
    /// runs again, on the latest version, right after; none starts meanwhile. On two cores the analysis of the
    /// keystroke would otherwise share the machine (and its garbage collections) with the completion of that keystroke.
    /// </summary>
    public IDisposable StepAside()
    {
        lock (_interactiveGate)
        {
            if (_interactive++ == 0) _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        foreach (var pending in _pending.Values)
        {
            lock (pending)
            {
                if (pending.Running is not { IsCancellationRequested: false } running) continue;
                running.Cancel();
                pending.Dirty = true;
            }
        }
        return new SteppedAside(this);
    }

    private void Resume()
    {
        lock (_interactiveGate)
        {
            if (--_interactive == 0) _resume.TrySetResult();
        }
    }

    private sealed class SteppedAside(DiagnosticsPublisher publisher) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) publisher.Resume();
        }
    }

    /// <summary>Waits while a read asked analyses to step aside; false when it waited as long as it may and goes on anyway.</summary>
    private async Task<bool> WhenNoInteractiveReadAsync()
    {
        Task resume;
        lock (_interactiveGate) resume = _resume.Task;
        if (resume.IsCompleted) return true;
        try
        {
            await resume.WaitAsync(MaxStepAside).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Analyses the document's latest version until no newer one arrived meanwhile; one loop per document.</summary>
    private async Task LoopAsync(string uri, Pending pending)
    {
        while (true)
        {
            var yielded = await WhenNoInteractiveReadAsync().ConfigureAwait(false);
            CancellationTokenSource cts;
            lock (pending)
            {
                if (!pending.Dirty || pending.Closed)
                {
                    pending.Looping = false;
                    pending.Running = null;
                    return;
                }
                pending.Dirty = false;
                pending.Running = cts = new CancellationTokenSource();
            }
            // A read that asked to go first may have come between the wait above and now: StepAside counts itself
            // before it looks for running analyses, so one of the two sees the other.
            if (yielded && Volatile.Read(ref _interactive) > 0)
            {
                lock (pending) pending.Dirty = true;
                continue;
            }
            await RunAsync(uri, cts.Token).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(string uri, CancellationToken token)
    {
        try
        {
            var snapshot = _documents.TryGet(uri);
            if (snapshot is null) return;
            var findings = Analyze(snapshot, token);
            token.ThrowIfCancellationRequested();
            // A newer version may have been applied meanwhile; the loop analyses and publishes it next.
            if (_documents.TryGet(uri)?.Version != snapshot.Version) return;
            var first = !_published.ContainsKey(uri);
            _published[uri] = new PublishedFindings(snapshot.Version, findings);
            // The first analysis of a file over the size policy (its parse included) leaves much garbage: give it back.
            if (first && _configuration.For(uri).Analysis.LargeReason(snapshot.Script) is not null) _documents.Memory.Schedule();
            var publication = _publications.GetOrAdd(uri, _ => new DiagnosticsPublication());
            if (_splices())
                await _client.NotifyAsync(CustomMethods.DiagnosticsSplice, publication.PrepareSplice(snapshot, findings)).ConfigureAwait(false);
            else
                await _client.NotifyAsync(Methods.PublishDiagnostics, new PublishDiagnosticsParams
                {
                    Uri = uri,
                    Version = snapshot.Version,
                    Diagnostics = publication.Prepare(snapshot, findings),
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.Error($"Diagnostics for {uri} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private readonly ConcurrentDictionary<string, DiagnosticsPublication> _publications = new(StringComparer.Ordinal);

    /// <summary>The analysis state of one open document (guarded by locking the instance).</summary>
    private sealed class Pending
    {
        /// <summary>A version arrived that no analysis has started on yet.</summary>
        public bool Dirty;
        /// <summary>A loop is analysing (or about to analyse) this document.</summary>
        public bool Looping;
        public bool Closed;
        /// <summary>Cancels the running analysis. Not disposed: a newer Schedule may still cancel it, and a CTS without a timer holds nothing.</summary>
        public CancellationTokenSource? Running;
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
        CodeDescription = CodeDescriptionFor(finding.RuleId),
        Source = "dbagent",
        Message = finding.Message,
    };

    /// <summary>Each rule's doc link, built once: a URI per diagnostic per keystroke was a measurable part of publishing thousands.</summary>
    private static readonly ConcurrentDictionary<string, CodeDescription?> CodeDescriptions = new(StringComparer.Ordinal);

    private static CodeDescription? CodeDescriptionFor(string ruleId) =>
        CodeDescriptions.GetOrAdd(ruleId, static id => RuleDocumentation.UriFor(id) is { } help ? new CodeDescription(help.AbsoluteUri) : null);

    /// <summary>
    /// The client got a splice that does not follow the last one it has (<see cref="CustomMethods.DiagnosticsResync"/>):
    /// the document's next diagnostics go whole, and are made now.
    /// </summary>
    public void Resync(string uri)
    {
        if (!_publications.TryGetValue(uri, out var publication)) return;
        publication.Resync();
        if (_documents.TryGet(uri) is not null) Schedule(uri);
    }

    private void Clear(string uri)
    {
        if (_pending.TryRemove(uri, out var pending))
        {
            lock (pending)
            {
                pending.Closed = true;
                pending.Running?.Cancel();
            }
        }
        _published.TryRemove(uri, out _);
        _lintCaches.TryRemove(uri, out _);
        _publications.TryRemove(uri, out _);
        var cleared = _splices()
            ? _client.NotifyAsync(CustomMethods.DiagnosticsSplice, new DiagnosticsSpliceParams { Uri = uri, Diagnostics = [] })
            : _client.NotifyAsync(Methods.PublishDiagnostics, new PublishDiagnosticsParams { Uri = uri, Diagnostics = [] });
        _ = cleared.ContinueWith(t => _log.Debug($"Clearing diagnostics failed: {t.Exception?.GetBaseException().Message}"), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}

public sealed record PublishedFindings(int Version, IReadOnlyList<Finding> Findings);
