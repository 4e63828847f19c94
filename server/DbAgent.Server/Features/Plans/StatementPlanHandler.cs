using System.Text.Json.Serialization;
using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Advisor;
using DbAgent.Databases.Plans;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Semantics;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Plans;

public sealed record StatementPlanParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("position")] Position Position)
{
    /// <summary>The table the finding is about (a full scan of it): that node is highlighted.</summary>
    [JsonPropertyName("relation")] public string? Relation { get; init; }
}

/// <summary>One operator of a plan as the plan view draws it.</summary>
public sealed record PlanTreeNode(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("nodeType")] string NodeType,
    [property: JsonPropertyName("relation"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Relation,
    [property: JsonPropertyName("index"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Index,
    [property: JsonPropertyName("rows"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Rows,
    [property: JsonPropertyName("cost"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Cost,
    [property: JsonPropertyName("costShare")] double CostShare,
    [property: JsonPropertyName("highlighted")] bool Highlighted,
    [property: JsonPropertyName("children")] IReadOnlyList<PlanTreeNode> Children);

public sealed record StatementPlanResult(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Message,
    [property: JsonPropertyName("sql"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Sql,
    [property: JsonPropertyName("engine"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Engine,
    [property: JsonPropertyName("before"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] PlanTreeNode? Before,
    [property: JsonPropertyName("after"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] PlanTreeNode? After,
    [property: JsonPropertyName("indexes")] IReadOnlyList<string> Indexes);

/// <summary>
/// `dbagent/statementPlan`: the plan of the statement at a position, drawn by the extension's plan view, and the
/// same plan with the advisor's indexes made hypothetical (HypoPG), when the engine can. Nothing is built.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class StatementPlanHandler(LanguageServerContext context)
{
    [JsonRpcMethod(CustomMethods.StatementPlan, UseSingleObjectParameterDeserialization = true)]
    public async Task<StatementPlanResult> StatementPlanAsync(StatementPlanParams parameters, CancellationToken cancellationToken)
    {
        static StatementPlanResult Fail(string message) => new(false, message, null, null, null, null, []);
        var snapshot = await context.Documents.GetAsync(parameters.TextDocument.Uri, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return Fail("The document is not open.");
        var statement = snapshot.Script.StatementAt(snapshot.Text.ToOffset(parameters.Position));
        if (statement is null || !StatementPlanner.IsExplainable(statement.Model)) return Fail("There is no statement with a plan at this position.");
        if (context.Connections.For(snapshot.Uri) is not { } target) return Fail("A plan needs a connection: add one with DbAgent: Add Connection.");
        var sql = snapshot.Text.ToString(statement.Span).Trim().TrimEnd(';');
        var schema = (await context.Connections.Manager.GetSchemaAsync(target.Name, refresh: false, cancellationToken).ConfigureAwait(false)).Value;
        var indexes = IndexAdvisor.Propose(statement.Model, schema, snapshot.Script.Dialect, snapshot.Text.ToString());
        var result = await context.Connections.Manager.UseAsync(target.Name,
            (session, ct) => WorkloadAdvisor.PlansAsync(session, sql, indexes, new DbAgent.Databases.ReadOnlyQueryOptions(), ct), cancellationToken).ConfigureAwait(false);
        if (!result.Ok) return Fail(result.Failure!.Message);
        var (before, after) = result.Value;
        if (before is null) return Fail("The database could not plan this statement.");
        var highlight = Highlight(before, parameters.Relation);
        return new StatementPlanResult(true, after is null && indexes.Count > 0 ? "This engine cannot try indexes without building them: only the current plan is shown." : null,
            sql, before.Engine, Tree(before, highlight), after is null ? null : Tree(after, null),
            after is null ? [] : indexes.Select(i => IndexAdvisor.Render(i, snapshot.Script.Dialect).Up).ToList());
    }

    /// <summary>The node a plan finding is about: a full scan of the named table, else the costliest full scan or sort.</summary>
    internal static PlanNode? Highlight(QueryPlan plan, string? relation)
    {
        var nodes = plan.Nodes.ToList();
        return nodes.FirstOrDefault(n => n.Operation == PlanOperation.FullScan && relation is not null && NameComparer.SameName(n.Relation, relation))
            ?? nodes.Where(n => n.Operation is PlanOperation.FullScan or PlanOperation.Sort).OrderByDescending(n => SelfCost(n)).FirstOrDefault();
    }

    private static double SelfCost(PlanNode n) => (n.TotalCost ?? 0) - n.Children.Sum(c => c.TotalCost ?? 0);

    /// <summary>The plan as the view's tree; a node's cost share is its own cost (not its children's) of the whole.</summary>
    internal static PlanTreeNode Tree(QueryPlan plan, PlanNode? highlight)
    {
        var total = Math.Max(plan.Root.TotalCost ?? 0, 1e-9);
        var id = 0;
        PlanTreeNode Walk(PlanNode n) => new(id++, n.NodeType, n.Relation, n.IndexName, n.EstimatedRows, n.TotalCost,
            Math.Clamp(SelfCost(n) / total, 0, 1), ReferenceEquals(n, highlight), n.Children.Select(Walk).ToList());
        return Walk(plan.Root);
    }
}
