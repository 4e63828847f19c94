namespace DbAgent.Analysis.Advisor.Workload;

/// <summary>
/// The planner's own cost of queries under a set of hypothetical indexes (HypoPG on PostgreSQL, a private copy on
/// SQLite). One call is one batch: every index of the set is made hypothetical once and every query explained.
/// Only the indexes on a query's tables can change its plan, so the set may hold indexes of other tables.
/// </summary>
public interface IWhatIfCostOracle
{
    /// <summary>The estimated total cost of each query (same order), or null where the engine could not plan it.</summary>
    Task<IReadOnlyList<double?>> CostAsync(IReadOnlyList<AnalysedQuery> queries, IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken);

    /// <summary>Estimated sizes in bytes of the candidates once built (HypoPG's estimate), null where unknown; one batch.</summary>
    Task<IReadOnlyList<long?>> SizesAsync(IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken);
}

/// <summary>Counts of what the advisor asked the engine.</summary>
public sealed record WhatIfCounters(int Batches, int Explains, int CacheHits);

/// <summary>
/// Costs cached per (query, index set that can matter to it): the indexes of the set on tables the query reads. A
/// choice on one table leaves every other table's queries in the cache.
/// </summary>
public sealed class WhatIfCache(IWhatIfCostOracle oracle)
{
    private readonly Dictionary<(int, string), double?> _costs = new();
    private readonly Dictionary<string, long?> _sizes = new(StringComparer.Ordinal);
    private int _batches;
    private int _explains;
    private int _hits;

    public WhatIfCounters Counters => new(_batches, _explains, _hits);

    public async Task<IReadOnlyList<double?>> CostAsync(IReadOnlyList<AnalysedQuery> queries, IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken)
    {
        var result = new double?[queries.Count];
        var missing = new List<int>();
        var keys = new (int, string)[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            keys[i] = (queries[i].Id, SetKey(queries[i], indexes));
            if (_costs.TryGetValue(keys[i], out var cost)) { result[i] = cost; _hits++; }
            else missing.Add(i);
        }
        if (missing.Count > 0)
        {
            var asked = missing.Select(i => queries[i]).ToList();
            var relevant = indexes.Where(x => asked.Any(q => q.Tables.Contains(x.Table.Name.ToLowerInvariant()))).ToList();
            var costs = await oracle.CostAsync(asked, relevant, cancellationToken).ConfigureAwait(false);
            _batches++;
            _explains += asked.Count;
            for (var j = 0; j < missing.Count; j++)
            {
                result[missing[j]] = costs[j];
                _costs[keys[missing[j]]] = costs[j];
            }
        }
        return result;
    }

    public async Task<IReadOnlyList<long?>> SizesAsync(IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken)
    {
        var missing = indexes.Where(i => !_sizes.ContainsKey(i.DefinitionKey)).DistinctBy(i => i.DefinitionKey).ToList();
        if (missing.Count > 0)
        {
            var sizes = await oracle.SizesAsync(missing, cancellationToken).ConfigureAwait(false);
            _batches++;
            for (var i = 0; i < missing.Count; i++) _sizes[missing[i].DefinitionKey] = i < sizes.Count ? sizes[i] : null;
        }
        return indexes.Select(i => _sizes[i.DefinitionKey]).ToList();
    }

    private static string SetKey(AnalysedQuery query, IReadOnlyList<IndexCandidate> indexes) =>
        string.Join("|", indexes.Where(x => query.Tables.Contains(x.Table.Name.ToLowerInvariant())).Select(x => x.DefinitionKey).Order(StringComparer.Ordinal));
}
