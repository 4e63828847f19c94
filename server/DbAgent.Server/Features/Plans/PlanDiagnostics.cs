using System.Collections.Concurrent;
using DbAgent.Analysis.Findings;
using DbAgent.Databases.Plans;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Host;
using DbAgent.Server.Settings;

namespace DbAgent.Server.Features.Plans;

/// <summary>What one plan run of a document gave: its findings, or why there are none (no connection, unreachable).</summary>
public sealed record PlanRunOutcome(DocumentPlans Plans, string? Connection, string? Problem);

/// <summary>Explains a document's statements on the database the document uses.</summary>
public interface IPlanRunner
{
    Task<PlanRunOutcome> RunAsync(DocumentSnapshot snapshot, DbAgentSettings settings, CancellationToken cancellationToken);
}

/// <summary>
/// Plan-based diagnostics: run on open and save (never per keystroke), debounced, a newer run cancelling the older;
/// their findings are kept per statement text and re-anchored on every publication until the next run.
/// </summary>
public sealed class PlanDiagnostics
{
    private readonly DocumentStore _documents;
    private readonly WorkspaceConfiguration _configuration;
    private readonly ServerLogger _log;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DocumentPlans> _plans = new(StringComparer.Ordinal);
    private readonly CancellationToken _lifetime;
    private readonly IPlanRunner _runner;

    public PlanDiagnostics(DocumentStore documents, WorkspaceConfiguration configuration, IPlanRunner runner, ServerLogger log, CancellationToken lifetime)
    {
        _documents = documents;
        _runner = runner;
        _configuration = configuration;
        _log = log;
        _lifetime = lifetime;
        documents.Closed += uri =>
        {
            if (_pending.TryRemove(uri, out var cts)) cts.Cancel();
            _plans.TryRemove(uri, out _);
        };
    }

    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Raised after a run changed a document's plan findings: the diagnostics are published again.</summary>
    public event Action<string>? Updated;

    /// <summary>The plan findings of a snapshot: the last run's, on the statements still written as they were explained.</summary>
    public IReadOnlyList<Finding> FindingsFor(DocumentSnapshot snapshot) =>
        _plans.TryGetValue(snapshot.Uri, out var plans) ? StatementPlanner.Anchor(plans, snapshot.Script) : [];

    /// <summary>Starts a run for a document (open, save, settings or connection change); the previous one is cancelled.</summary>
    public void Request(string uri)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_lifetime);
        _pending.AddOrUpdate(uri, cts, (_, old) => { old.Cancel(); return cts; });
        _ = RunAsync(_runner, uri, cts);
    }

    public void RequestAll()
    {
        foreach (var uri in _documents.OpenDocuments) Request(uri);
    }

    private async Task RunAsync(IPlanRunner runner, string uri, CancellationTokenSource cts)
    {
        var token = cts.Token;
        try
        {
            await Task.Delay(Debounce, token).ConfigureAwait(false);
            var snapshot = await _documents.GetAsync(uri, token).ConfigureAwait(false);
            if (snapshot is null) return;
            var settings = _configuration.For(uri);
            if (!settings.Plans.Enabled)
            {
                if (_plans.TryRemove(uri, out _)) Updated?.Invoke(uri);
                return;
            }
            var outcome = await runner.RunAsync(snapshot, settings, token).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
            if (outcome.Problem is { } problem) _log.Info($"Plans for {uri}: {problem}");
            _plans[uri] = outcome.Plans;
            Updated?.Invoke(uri);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.Error($"Plan analysis of {uri} failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<string, CancellationTokenSource>(uri, cts));
        }
    }
}
