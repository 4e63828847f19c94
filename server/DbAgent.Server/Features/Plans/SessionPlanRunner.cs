using DbAgent.Databases;
using DbAgent.Databases.Plans;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Settings;
using DbAgent.Sql.Schema;

namespace DbAgent.Server.Features.Plans;

/// <summary>Runs the editor's plan diagnostics on one session that stays open (tests, and hosts without connection settings).</summary>
public sealed class SessionPlanRunner(IDatabaseSession session, string connectionName, Func<SchemaModel?>? schema = null) : IPlanRunner
{
    public async Task<PlanRunOutcome> RunAsync(DocumentSnapshot snapshot, DbAgentSettings settings, CancellationToken cancellationToken)
    {
        var (plans, failure, _) = await StatementPlanner.ExplainAsync(session, snapshot.Script, snapshot.Version, settings.Plans.Thresholds(),
            settings.Plans.QueryOptions(), schema?.Invoke(), cancellationToken, settings.Analysis).ConfigureAwait(false);
        return new PlanRunOutcome(plans, connectionName, failure?.Message);
    }
}
