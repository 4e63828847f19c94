using DbAgent.Analysis.Drift;
using DbAgent.Analysis.Findings;
using DbAgent.Databases.Plans;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Settings;
using DbAgent.Server.Workspace;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Text;

namespace DbAgent.Server.Features.Plans;

/// <summary>
/// What a document's database says about it, on open and save: the plans of its statements (with the live catalog,
/// else the migrations' schema, for the index advisor), and for a migration, where the live catalog has drifted from
/// what the migrations build.
/// </summary>
public sealed class ConnectionPlanRunner(DocumentConnections connections, WorkspaceSchema workspace) : IPlanRunner
{
    public async Task<PlanRunOutcome> RunAsync(DocumentSnapshot snapshot, DbAgentSettings settings, CancellationToken cancellationToken)
    {
        if (connections.For(snapshot.Uri) is not { } target) return new PlanRunOutcome(DocumentPlans.None, null, null);

        var catalog = await connections.Manager.GetSchemaAsync(target.Name, refresh: false, cancellationToken).ConfigureAwait(false);
        var migrations = await workspace.GetAsync(cancellationToken).ConfigureAwait(false);
        var drift = catalog.Value is { } live && migrations is not null && migrations.MigrationUris.Contains(snapshot.Uri)
            ? Drift(snapshot, migrations, live, target.Name)
            : [];

        // Over the size policy: the planner says so without binding every statement to look for explainable ones.
        if (StatementPlanner.OverSizePolicy(snapshot.Script, snapshot.Version, settings.Analysis) is { } skipped)
            return new PlanRunOutcome(skipped with { Statements = drift }, target.Name, null);
        if (!snapshot.Script.Statements.Any(s => StatementPlanner.IsExplainable(s.Model)))
            return new PlanRunOutcome(new DocumentPlans(snapshot.Version, drift), target.Name, catalog.Failure?.Message);

        var schema = catalog.Value ?? migrations?.Schema;
        var result = await connections.Manager.UseAsync(target.Name, (session, ct) =>
            StatementPlanner.ExplainAsync(session, snapshot.Script, snapshot.Version, settings.Plans.Thresholds(), settings.Plans.QueryOptions(), schema, ct, settings.Analysis),
            cancellationToken).ConfigureAwait(false);
        if (!result.Ok) return new PlanRunOutcome(new DocumentPlans(snapshot.Version, drift), target.Name, result.Failure?.Message);
        var (plans, failure, _) = result.Value;
        // The run caught a lost connection itself: mark it, so that the reconnect loop runs these plans again when it is back.
        if (failure is { ConnectionLost: true }) connections.Manager.ReportLost(target.Name, failure);
        return new PlanRunOutcome(plans with { Statements = [.. plans.Statements, .. drift] }, target.Name, failure?.Message);
    }

    /// <summary>The drift findings that belong to this migration, kept relative to their statements like plan findings.</summary>
    private static IReadOnlyList<StatementPlanFindings> Drift(DocumentSnapshot snapshot, WorkspaceSchemaSnapshot migrations, SchemaModel live, string connection)
    {
        var latest = migrations.Replays.SelectMany(r => r.Files).LastOrDefault();
        var fallback = latest is null ? null : new SchemaOrigin(latest.DocumentUri, new TextSpan(0, 0));
        var findings = SchemaDrift.Compare(migrations.Schema, live, fallback, $"`{connection}`")
            .Where(f => f.DocumentUri == snapshot.Uri)
            .ToList();
        var byStatement = new List<StatementPlanFindings>();
        foreach (var group in findings.GroupBy(f => snapshot.Script.StatementAt(f.Span.Start)))
        {
            // A finding outside any statement (the fallback at the top of the file) goes on the first one.
            var statement = group.Key ?? (snapshot.Script.Statements.Count > 0 ? snapshot.Script.Statements[0] : null);
            if (statement is null) continue;
            var span = statement.Model.Span;
            if (span.IsEmpty || span.End > snapshot.Text.Length) continue;
            byStatement.Add(new StatementPlanFindings(snapshot.Text.ToString(span), group
                .Select(f => f with { Span = Relative(f.Span, span) })
                .ToList()));
        }
        return byStatement;
    }

    private static TextSpan Relative(TextSpan finding, TextSpan statement) =>
        statement.Contains(finding)
            ? new TextSpan(finding.Start - statement.Start, finding.Length)
            : new TextSpan(0, Math.Min(statement.Length, Math.Max(finding.Length, 1)));
}
