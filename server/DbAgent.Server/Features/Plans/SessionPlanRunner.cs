using DbAgent.Analysis.Plans;
using DbAgent.Databases;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Configuration;
using DbAgent.Sql.Schema;

namespace DbAgent.Server.Features.Plans;

/// <summary>Runs plans on one session that stays open (`dbagent check --connection`, and tests).</summary>
public sealed class SessionPlanRunner(IDatabaseSession session, string connectionName, Func<SchemaModel?>? schema = null) : IPlanRunner
{
    public async Task<PlanRunOutcome> RunAsync(DocumentSnapshot snapshot, DbAgentSettings settings, CancellationToken cancellationToken)
    {
        var (plans, failure, _) = await StatementPlanner.ExplainAsync(session, snapshot, Thresholds(settings), Options(settings), schema?.Invoke(), cancellationToken)
            .ConfigureAwait(false);
        return new PlanRunOutcome(plans, connectionName, failure?.Message);
    }

    /// <summary>The `dbagent.plans.*` settings as the plan analyzer's thresholds; unset ones keep its defaults.</summary>
    public static PlanThresholds Thresholds(DbAgentSettings settings) => PlanThresholds.Default with
    {
        LargeTableRows = settings.Plans.LargeTableRows > 0 ? settings.Plans.LargeTableRows : PlanThresholds.Default.LargeTableRows,
        SortRows = settings.Plans.SortRows is > 0 and var sort ? sort : PlanThresholds.Default.SortRows,
        CostThreshold = settings.Plans.CostThreshold is > 0 and var cost ? cost : PlanThresholds.Default.CostThreshold,
    };

    public static ReadOnlyQueryOptions Options(DbAgentSettings settings) => new() { StatementTimeoutMs = settings.Plans.StatementTimeoutMs };
}
