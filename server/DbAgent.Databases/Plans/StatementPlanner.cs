using System.Globalization;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Connections;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Databases.Plans;

/// <summary>The plan findings of one document, each kept relative to its statement so that edits elsewhere do not move it.</summary>
public sealed record DocumentPlans(int Version, IReadOnlyList<StatementPlanFindings> Statements)
{
    public static readonly DocumentPlans None = new(-1, []);

    /// <summary>Findings about the run itself (the size policy or the time limit left statements unexplained), at the top of the file.</summary>
    public IReadOnlyList<Finding> Notices { get; init; } = [];
}

/// <summary>What one statement's plan showed, with spans relative to the statement's start.</summary>
public sealed record StatementPlanFindings(string StatementText, IReadOnlyList<Finding> Findings);

/// <summary>
/// EXPLAINs the statements of a script through an open session (never running them: the providers explain inside
/// a read-only transaction that is rolled back) and reads findings from each plan. The one plan-findings step that
/// the editor (on open and save), `dbagent check --connection` and the chat share; below the LSP layer.
/// </summary>
public static class StatementPlanner
{
    /// <summary>A run explains at most this many statements: a bulk script must not keep the database busy for minutes.</summary>
    public const int MaxStatementsPerRun = 200;

    /// <summary>Statements the engines can explain; DDL and the like have no plan worth reading.</summary>
    public static bool IsExplainable(StatementModel model) =>
        !model.IsOpaque && model.Kind is StatementKind.Select or StatementKind.Insert or StatementKind.Update or StatementKind.Delete or StatementKind.Merge;

    /// <summary>
    /// The plan findings of every explainable statement. One statement the database rejects (a table that does not
    /// exist yet, a parameter it cannot type) is skipped; a lost connection ends the run with its failure.
    /// </summary>
    public static async Task<(DocumentPlans Plans, ConnectionFailure? Failure, int Explained)> ExplainAsync(
        IDatabaseSession session, SqlScript script, int version, PlanThresholds thresholds, ReadOnlyQueryOptions options, SchemaModel? schema,
        CancellationToken cancellationToken, AnalysisLimits? limits = null)
    {
        limits ??= AnalysisLimits.Default;
        // A file over the size policy is not explained at all: binding its statements alone would cost more than the rest.
        if (OverSizePolicy(script, version, limits) is { } skipped) return (skipped, null, 0);
        var results = new List<StatementPlanFindings>();
        var notices = new List<Finding>();
        var explained = 0;
        var attempts = 0;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var statement in script.Statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = statement.Model;
            if (!IsExplainable(model) || model.Span.IsEmpty) continue;
            if (++attempts > MaxStatementsPerRun)
            {
                notices.Add(AnalysisLimits.LimitedFinding(string.Create(CultureInfo.InvariantCulture,
                    $"Plans cut short: only the first {MaxStatementsPerRun} statements that have a plan were explained; the rest, from line {LineOf(script, model.Span.Start)}, were not.")));
                break;
            }
            if (limits.OutOfTime(started))
            {
                notices.Add(AnalysisLimits.LimitedFinding(string.Create(CultureInfo.InvariantCulture,
                    $"Plans cut short: explaining stopped after {limits.StageTimeText} at line {LineOf(script, model.Span.Start)}; the statements from there on were not explained. Raise {AnalysisLimits.StageTimeSetting} (0 = no limit) to let it finish.")));
                break;
            }
            var text = script.Text.ToString(model.Span);
            QueryPlan plan;
            try
            {
                plan = await session.ExplainAsync(text, options, cancellationToken).ConfigureAwait(false);
                explained++;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (DatabaseAccessException e) when (e.Failure.ConnectionLost)
            {
                return (new DocumentPlans(version, results) { Notices = notices }, e.Failure, explained);
            }
            catch (PlanningWouldRunCodeException e)
            {
                // Declined for safety: say so on the statement, so that a missing plan finding is never a silent "fine".
                results.Add(new StatementPlanFindings(text, [new Finding(PlanRules.NotExplained.Id, PlanRules.NotExplained.DefaultSeverity, e.Message,
                    new TextSpan(0, model.Span.Length))]));
                continue;
            }
            catch (Exception)
            {
                // The database refused this statement (or timed out on it): no plan, no finding, the others go on.
                continue;
            }

            var rows = await TableRowsAsync(session, plan, model, cancellationToken).ConfigureAwait(false);
            var findings = PlanAnalyzer.Analyze(plan, new PlanContext(model)
            {
                Schema = schema,
                Dialect = script.Dialect,
                Text = script.Text.Text,
                TableRows = rows,
            }, thresholds);
            if (findings.Count == 0) continue;
            var start = model.Span.Start;
            results.Add(new StatementPlanFindings(text, findings
                .Where(f => model.Span.Contains(f.Span))
                .Select(f => f with { Span = new TextSpan(f.Span.Start - start, f.Span.Length) })
                .ToList()));
        }
        return (new DocumentPlans(version, results) { Notices = notices }, null, explained);
    }

    /// <summary>For a file over the size policy: no plans, and a notice that says why; null for any other file.</summary>
    public static DocumentPlans? OverSizePolicy(SqlScript script, int version, AnalysisLimits limits) =>
        limits.LargeReason(script) is { } large
            ? new DocumentPlans(version, []) { Notices = [AnalysisLimits.LimitedFinding($"Plans not asked for: {large}.")] }
            : null;

    private static int LineOf(SqlScript script, int offset) => script.Text.GetLinePosition(offset).Line + 1;

    /// <summary>
    /// The plan findings of a script at their places in it, explained now (what `dbagent check --connection` reports),
    /// with the failure that stopped the run early, if any.
    /// </summary>
    public static async Task<(IReadOnlyList<Finding> Findings, ConnectionFailure? Failure)> FindingsAsync(
        IDatabaseSession session, SqlScript script, PlanThresholds thresholds, ReadOnlyQueryOptions options, SchemaModel? schema,
        CancellationToken cancellationToken, AnalysisLimits? limits = null)
    {
        var (plans, failure, _) = await ExplainAsync(session, script, 0, thresholds, options, schema, cancellationToken, limits).ConfigureAwait(false);
        return (Anchor(plans, script), failure);
    }

    /// <summary>
    /// Re-anchors plan findings on the current text: a statement still written exactly as when it was explained gets
    /// its findings at its new place; a statement edited since loses them until the next save.
    /// </summary>
    public static IReadOnlyList<Finding> Anchor(DocumentPlans plans, SqlScript script)
    {
        if (plans.Statements.Count == 0) return plans.Notices;
        // Plan and drift findings of one statement text together; a statement written twice was explained twice alike.
        var byText = plans.Statements.GroupBy(s => s.StatementText, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(s => s.Findings).GroupBy(f => (f.RuleId, f.Span, f.Message)).Select(d => d.First()).ToList(),
                StringComparer.Ordinal);
        var anchored = new List<Finding>();
        foreach (var statement in script.Statements)
        {
            var span = statement.Model.Span;
            if (span.IsEmpty || span.End > script.Text.Length) continue;
            if (!byText.TryGetValue(script.Text.ToString(span), out var findings)) continue;
            anchored.AddRange(findings.Select(f => f with { Span = new TextSpan(f.Span.Start + span.Start, f.Span.Length) }));
        }
        anchored.AddRange(plans.Notices);
        return anchored;
    }

    /// <summary>
    /// How many rows a full scan reads: engines estimate the rows a scan keeps (PostgreSQL) or none at all (SQLite), so
    /// the tables' row counts come from statistics when a scan does not say what it reads.
    /// </summary>
    private static async Task<Func<QualifiedName, double?>?> TableRowsAsync(IDatabaseSession session, QueryPlan plan, StatementModel model, CancellationToken cancellationToken)
    {
        if (!plan.Nodes.Any(n => n.Operation == PlanOperation.FullScan && n.EstimatedRowsRead is null)) return null;
        var rows = new Dictionary<QualifiedName, double?>();
        foreach (var relation in model.Relations.Where(r => !r.IsCommonTableExpression).Select(r => r.Name).Distinct())
        {
            try
            {
                var stats = await session.GetTableStatsAsync(relation, cancellationToken).ConfigureAwait(false);
                rows[relation] = stats?.EstimatedRows ?? stats?.LiveRows;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                rows[relation] = null;
            }
        }
        return name => rows.FirstOrDefault(kv => NameComparer.SameObject(kv.Key, name)).Value;
    }
}
