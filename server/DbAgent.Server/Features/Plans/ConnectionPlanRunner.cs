using DbAgent.Databases.Connections;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Connections;

namespace DbAgent.Server.Features.Plans;

/// <summary>Explains a document on the database it uses, with the live catalog (else the migrations' schema) for the advisor.</summary>
public sealed class ConnectionPlanRunner(DocumentConnections connections, Workspace.WorkspaceSchema workspace) : IPlanRunner
{
    public async Task<PlanRunOutcome> RunAsync(DocumentSnapshot snapshot, DbAgentSettings settings, CancellationToken cancellationToken)
    {
        if (connections.For(snapshot.Uri) is not { } target) return new PlanRunOutcome(DocumentPlans.None, null, null);
        if (!snapshot.Script.Statements.Any(s => StatementPlanner.IsExplainable(s.Model))) return new PlanRunOutcome(DocumentPlans.None, target.Name, null);

        var catalog = await connections.Manager.GetSchemaAsync(target.Name, refresh: false, cancellationToken).ConfigureAwait(false);
        var schema = catalog.Value ?? (await workspace.GetAsync(cancellationToken).ConfigureAwait(false))?.Schema;
        var result = await connections.Manager.UseAsync(target.Name, (session, ct) =>
            StatementPlanner.ExplainAsync(session, snapshot, SessionPlanRunner.Thresholds(settings), SessionPlanRunner.Options(settings), schema, ct),
            cancellationToken).ConfigureAwait(false);
        if (!result.Ok) return new PlanRunOutcome(DocumentPlans.None, target.Name, result.Failure?.Message);
        var (plans, failure, _) = result.Value;
        return new PlanRunOutcome(plans, target.Name, failure?.Message);
    }
}
