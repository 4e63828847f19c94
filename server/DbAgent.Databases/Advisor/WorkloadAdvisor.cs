using System.Diagnostics;
using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Advisor.Workload;
using DbAgent.Analysis.Plans;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Databases.Advisor;

public sealed record WorkloadAdviceOptions
{
    /// <summary>Most bytes the new indexes may take; null: <see cref="BudgetFraction"/> of the workload's tables' size.</summary>
    public long? BudgetBytes { get; init; }
    /// <summary>
    /// The default budget as a fraction of the tables' size: nine tenths, so that the new indexes stay under the data
    /// they index. (Sizes are estimated as CREATE INDEX builds them, deduplication included.)
    /// </summary>
    public double BudgetFraction { get; init; } = DefaultBudgetFraction;

    public const double DefaultBudgetFraction = 0.9;
    public ReadOnlyQueryOptions Explain { get; init; } = new() { StatementTimeoutMs = 10000 };
}

/// <summary>The advisor's answer for a workload: the selection, the queries as read, what could not be done.</summary>
public sealed record WorkloadAdvice(SqlDialect Dialect, WorkloadSelection Selection, IReadOnlyList<AnalysedQuery> Queries, IReadOnlyList<string> Notes, TimeSpan Elapsed)
{
    public long? TotalSizeBytes => Selection.Indexes.All(i => i.SizeBytes is null) ? null : Selection.Indexes.Sum(i => i.SizeBytes ?? 0);
}

/// <summary>
/// The workload index advisor's one entry point (CLI, chat, agent tool): reads the workload into statement models,
/// the schema, column and index statistics from the database, generates candidates, asks the planner what-if costs
/// in cached batches where the engine has what-if (HypoPG), and selects. It never builds anything in the database:
/// every read runs in a rolled-back read-only transaction and HypoPG's indexes are reset after each batch.
/// </summary>
public static class WorkloadAdvisor
{
    public static async Task<WorkloadAdvice> AdviseAsync(IDatabaseSession? session, SqlDialect dialect, IReadOnlyList<WorkloadQuery> workload,
        SchemaModel? schema, WorkloadAdviceOptions options, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var notes = new List<string>();
        var grouped = Workload.Group(workload);
        var analysed = new List<AnalysedQuery>();
        foreach (var q in grouped)
        {
            if (AnalysedQuery.From(analysed.Count, q, dialect) is { } a) analysed.Add(a);
            else notes.Add($"skipped (no table read): {Short(q.Sql)}");
        }
        if (session is not null) schema = await session.LoadSchemaAsync(cancellationToken).ConfigureAwait(false);

        // Statistics of the workload's tables and of the columns it compares with constants.
        var tableRows = new Dictionary<string, double>(StringComparer.Ordinal);
        var tableBytes = 0L;
        var existing = new List<ExistingIndex>();
        var frequencies = new Dictionary<(string, string), ValueFrequencies?>();
        if (session is not null)
        {
            foreach (var table in analysed.SelectMany(q => q.Tables).Distinct())
            {
                var model = schema?.FindTable(new QualifiedName(null, table));
                var name = model?.Name ?? new QualifiedName(null, table);
                var stats = await session.GetTableStatsAsync(name, cancellationToken).ConfigureAwait(false);
                if (stats is null) continue;
                if (stats.EstimatedRows is { } rows) tableRows[table] = rows;
                tableBytes += stats.TableBytes ?? 0;
                foreach (var index in stats.Indexes)
                {
                    var keys = model?.Indexes.FirstOrDefault(i => NameComparer.SameName(i.Name, index.Name));
                    existing.Add(new ExistingIndex(name, index.Name, keys?.Keys ?? [])
                    {
                        Unique = index.Unique || (keys?.Unique ?? false), Primary = index.Primary || (keys?.IsPrimaryKey ?? false),
                        Scans = index.Scans, SizeBytes = index.SizeBytes, Predicate = keys?.Predicate, Method = keys?.Method,
                    });
                }
            }
            foreach (var q in analysed)
            {
                foreach (var p in q.Model.Predicates.Where(p => p.Kind == PredicateKind.Equality && p.Column is not null))
                {
                    var relation = p.Column!.Relation ?? q.Model.Relations.FirstOrDefault(r => q.Model.Relations.Count == 1 || NameComparer.SameName(r.Alias ?? r.Name.Name, p.Column.Qualifier));
                    if (relation is null) continue;
                    var key = (relation.Name.Name.ToLowerInvariant(), p.Column.Name.ToLowerInvariant());
                    if (frequencies.ContainsKey(key)) continue;
                    var table = schema?.FindTable(relation.Name)?.Name ?? relation.Name;
                    var stats = await session.GetColumnStatsAsync(table, p.Column.Name, cancellationToken).ConfigureAwait(false);
                    frequencies[key] = stats is null || stats.MostCommonValues.Count == 0 ? null
                        : new ValueFrequencies(stats.MostCommonValues, stats.MostCommonFrequencies) { Distinct = stats.DistinctValues };
                }
            }
        }

        var candidates = WorkloadCandidates.Generate(analysed, dialect, schema,
            (table, column) => frequencies.GetValueOrDefault((table.Name.ToLowerInvariant(), column.ToLowerInvariant())));
        var budget = options.BudgetBytes ?? (tableBytes > 0 ? (long)(tableBytes * options.BudgetFraction) : null);
        var selectionOptions = new SelectionOptions { BudgetBytes = budget, TableRows = tableRows };

        WhatIfCache? whatIf = null;
        SessionCostOracle? oracle = null;
        if (session is not null && session.Capabilities.HypotheticalIndexes)
            whatIf = new WhatIfCache(oracle = new SessionCostOracle(session, options.Explain));
        else
            notes.Add(session is null
                ? "No connection: the indexes are the per-statement proposals merged, not verified by the planner."
                : session.Capabilities.Notes ?? $"{session.ServerInfo.Engine} has no what-if indexes: the proposals are heuristic and unverified.");

        var selection = await IndexSelection.SelectAsync(analysed, candidates, existing, whatIf, selectionOptions, cancellationToken).ConfigureAwait(false);
        if (oracle?.CostedByShape == true)
        {
            notes.Add("SQLite's EXPLAIN QUERY PLAN gives no costs: each plan was costed by its shape (a full SCAN counts the table's rows, a SEARCH USING INDEX the rows a lookup reaches, "
                + "a covering index half, a temp B-tree sort n log n; rows from sqlite_stat1). The gain shown is the plan's shape changing (SCAN to SEARCH, the sort gone), not a planner cost.");
            selection = selection with { CostBasis = PlanShapeCost.Basis };
        }
        return new WorkloadAdvice(dialect, selection, analysed, notes, watch.Elapsed);
    }

    /// <summary>The plan of one statement without and with the chosen indexes (hypothetical), for the plan view.</summary>
    public static async Task<(QueryPlan? Before, QueryPlan? After)> PlansAsync(IDatabaseSession session, string sql, IReadOnlyList<IndexCandidate> indexes, ReadOnlyQueryOptions options, CancellationToken cancellationToken)
    {
        var before = await session.WhatIfBatchAsync([sql], [], options, cancellationToken).ConfigureAwait(false);
        if (!before.Supported) return (await session.ExplainAsync(sql, options, cancellationToken).ConfigureAwait(false), null);
        var after = await session.WhatIfBatchAsync([sql], indexes.Select(Definition).ToList(), options, cancellationToken).ConfigureAwait(false);
        return (before.Plans.Count > 0 ? before.Plans[0] : null, after.Plans.Count > 0 ? after.Plans[0] : null);
    }

    public static IndexDefinition Definition(IndexCandidate c) =>
        new(c.Name, c.Table, c.IndexKeys, default(TextSpan)) { Predicate = c.Predicate, Include = c.Include };

    private static string Short(string sql) => sql.Length <= 80 ? sql : sql[..77] + "...";

    private sealed class SessionCostOracle(IDatabaseSession session, ReadOnlyQueryOptions options) : IWhatIfCostOracle
    {
        public async Task<IReadOnlyList<double?>> CostAsync(IReadOnlyList<AnalysedQuery> queries, IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken)
        {
            var batch = await session.WhatIfBatchAsync(queries.Select(q => q.Query.Sql).ToList(), indexes.Select(Definition).ToList(), options, cancellationToken).ConfigureAwait(false);
            return queries.Select((_, i) => i < batch.Plans.Count && batch.Plans[i] is { } plan ? Cost(plan) : null).ToList();
        }

        /// <summary>True once a plan had no cost of its own (SQLite) and was costed by its shape.</summary>
        public bool CostedByShape { get; private set; }

        private double? Cost(QueryPlan plan)
        {
            if (plan.TotalCost is { } cost) return cost;
            CostedByShape = true;
            return PlanShapeCost.Estimate(plan);
        }

        public async Task<IReadOnlyList<long?>> SizesAsync(IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken)
        {
            var batch = await session.WhatIfBatchAsync([], indexes.Select(Definition).ToList(), options, cancellationToken).ConfigureAwait(false);
            return batch.IndexSizes;
        }
    }
}
