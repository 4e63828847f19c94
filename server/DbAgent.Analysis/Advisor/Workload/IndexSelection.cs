using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Advisor.Workload;

/// <summary>An index that exists, with what the engine says about its use.</summary>
public sealed record ExistingIndex(QualifiedName Table, string Name, IReadOnlyList<IndexKey> Keys)
{
    public string? Predicate { get; init; }
    public bool Unique { get; init; }
    public bool Primary { get; init; }
    /// <summary>Index scans since the statistics were reset (pg_stat_user_indexes.idx_scan); null when unknown.</summary>
    public long? Scans { get; init; }
    public long? SizeBytes { get; init; }
    public string? Method { get; init; }
}

public sealed record SelectionOptions
{
    /// <summary>Most bytes the new indexes may take (net of the indexes they replace); null: no limit.</summary>
    public long? BudgetBytes { get; init; }
    /// <summary>A query counts as helped only when its cost falls by at least this fraction.</summary>
    public double MinImprovement { get; init; } = 0.1;
    /// <summary>Planner cost units one write costs per index it must maintain (about a random page write).</summary>
    public double WriteCostPerIndex { get; init; } = 4;
    /// <summary>Writes per table from the engine's statistics (rows inserted, updated, deleted), scaled to the workload's calls.</summary>
    public IReadOnlyDictionary<string, double> TableWrites { get; init; } = new Dictionary<string, double>();
    /// <summary>Estimated rows per table, for a size estimate where the engine gives none.</summary>
    public IReadOnlyDictionary<string, double> TableRows { get; init; } = new Dictionary<string, double>();
}

public sealed record ChosenIndex(IndexCandidate Index, long? SizeBytes, double Gain, IReadOnlyList<int> Serves);

/// <summary>An existing index worth dropping, with the evidence.</summary>
public sealed record DropProposal(QualifiedName Table, string Name, string Reason, string Evidence)
{
    public long? SizeBytes { get; init; }
    /// <summary>The definition to put back when the migration is reverted.</summary>
    public IReadOnlyList<IndexKey> Keys { get; init; } = [];
    public string? Predicate { get; init; }
}

public sealed record QueryCost(int Id, WorkloadQuery Query, double? Before, double? After);

/// <summary>What the advisor chose for the workload, with the evidence.</summary>
public sealed record WorkloadSelection(IReadOnlyList<ChosenIndex> Indexes, IReadOnlyList<DropProposal> Drops, IReadOnlyList<QueryCost> Queries)
{
    /// <summary>False when no what-if costing was possible (MySQL/MariaDB, no HypoPG): the choice is the heuristic one.</summary>
    public bool Verified { get; init; }
    public int Candidates { get; init; }
    public WhatIfCounters Counters { get; init; } = new(0, 0, 0);
    public long? BudgetBytes { get; init; }
    /// <summary>What the before/after costs are: the planner's own costs, or (SQLite) a measure of the plan's shape.</summary>
    public string CostBasis { get; init; } = "planner";
}

/// <summary>
/// Chooses the index set for a workload: greedily the candidate that lowers the weighted workload cost most (the
/// planner's what-if costs), less a maintenance penalty from the table's writes, within the storage budget; among
/// candidates of nearly the same benefit, the smallest. Then every chosen index that another chosen one makes
/// redundant (a prefix of it, or one it covers) is taken out again, which merges candidates one index serves.
/// Without what-if costing the per-statement proposals are merged by prefix and marked unverified.
/// </summary>
public static class IndexSelection
{
    /// <summary>Candidates within this fraction of the best score count as equally good; the smallest is taken.</summary>
    private const double NearlyAsGood = 0.95;

    public static async Task<WorkloadSelection> SelectAsync(IReadOnlyList<AnalysedQuery> queries, IReadOnlyList<WorkloadCandidate> candidates,
        IReadOnlyList<ExistingIndex> existing, WhatIfCache? whatIf, SelectionOptions options, CancellationToken cancellationToken)
    {
        if (whatIf is null) return Heuristic(queries, candidates, existing, options);

        var weight = queries.ToDictionary(q => q.Id, q => q.Query.Weight);
        var baseline = await whatIf.CostAsync(queries, [], cancellationToken).ConfigureAwait(false);
        var sizes = new Dictionary<string, long?>(StringComparer.Ordinal);
        var estimated = await whatIf.SizesAsync(candidates.Select(c => c.Index).ToList(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < candidates.Count; i++)
            sizes[candidates[i].Index.DefinitionKey] = estimated[i] ?? EstimateSize(candidates[i].Index, options);

        // Under a budget the candidates are ranked by benefit per byte (the knapsack's greedy), so that the budget keeps
        // the indexes that earn most for their size; without one, by benefit.
        var chosen = new List<(WorkloadCandidate Candidate, double Gain)>();
        var current = queries.Select((q, i) => (q.Id, Cost: baseline[i])).ToDictionary(x => x.Id, x => x.Cost);
        var mergedOut = new HashSet<WorkloadCandidate>();
        // The merge frees bytes the greedy pass could not spend (a narrow index a wider one now serves): a second pass
        // spends them on the candidates left, never on one the merge took out, and the merge runs again after it.
        for (var pass = 0; pass < 2; pass++)
        {
            var open = candidates.Where(c => !mergedOut.Any(m => m.Index.DefinitionKey == c.Index.DefinitionKey) && !chosen.Any(x => x.Candidate.Index.DefinitionKey == c.Index.DefinitionKey)).ToList();
            await GreedyAsync(queries, open, existing, whatIf, options, sizes, weight, options.BudgetBytes,
                byDensity: options.BudgetBytes is not null, chosen, current, cancellationToken).ConfigureAwait(false);
            var removed = await MergeAsync(queries, options, weight, chosen, current, whatIf, cancellationToken).ConfigureAwait(false);
            mergedOut.UnionWith(removed);
            if (options.BudgetBytes is null || removed.Count == 0) break;
        }

        var baselineById = queries.Select((q, i) => (q.Id, Cost: baseline[i])).ToDictionary(x => x.Id, x => x.Cost);
        var indexes = chosen.Select(x => new ChosenIndex(x.Candidate.Index, sizes[x.Candidate.Index.DefinitionKey], x.Gain,
            queries.Where(q => q.Tables.Contains(x.Candidate.Table) && current[q.Id] < baselineById[q.Id] * (1 - options.MinImprovement) && x.Candidate.ProposedFor.Contains(q.Id)).Select(q => q.Id).ToList())).ToList();
        return new WorkloadSelection(indexes, Drops(existing, indexes.Select(x => x.Index).ToList()),
            queries.Select((q, i) => new QueryCost(q.Id, q.Query, baseline[i], current[q.Id])).ToList())
        {
            Verified = true, Candidates = candidates.Count, Counters = whatIf.Counters, BudgetBytes = options.BudgetBytes,
        };
    }

    /// <summary>
    /// Adds to <paramref name="chosen"/> greedily from <paramref name="candidates"/> within the budget (what is chosen
    /// already counts against it). A candidate that serves a chosen index (extends its keys, or covers it) is weighed as
    /// its replacement: its bytes are what it adds over the one it replaces, its gain what the queries gain net of what
    /// the others lose, and when picked it takes that one's place. A candidate a chosen index serves is not weighed.
    /// </summary>
    private static async Task GreedyAsync(
        IReadOnlyList<AnalysedQuery> queries, IReadOnlyList<WorkloadCandidate> candidates, IReadOnlyList<ExistingIndex> existing, WhatIfCache whatIf,
        SelectionOptions options, Dictionary<string, long?> sizes, Dictionary<int, double> weight, long? budget, bool byDensity,
        List<(WorkloadCandidate Candidate, double Gain)> chosen, Dictionary<int, double?> current, CancellationToken cancellationToken)
    {
        long used = chosen.Sum(x => NetSize(x.Candidate, sizes, existing));
        // Lazy greedy: a candidate's benefit only falls as indexes are added (the queries it helps get cheaper), so a
        // score computed before the last choice is an upper bound. Only the best-ranked stale candidates are asked
        // again; a table untouched by the last choice keeps its candidates' scores as they were. The exception is a
        // candidate that extends the index just chosen: as its replacement it costs fewer bytes, so it is asked at once.
        var scores = new Dictionary<WorkloadCandidate, Score>();
        async Task EvaluateAsync(WorkloadCandidate c)
        {
            var replaces = chosen.Where(x => x.Candidate.Table == c.Table && Serves(c.Index, x.Candidate.Index)).ToList();
            var size = Math.Max(0, NetSize(c, sizes, existing) - replaces.Sum(x => NetSize(x.Candidate, sizes, existing)));
            var affected = queries.Where(q => q.Tables.Contains(c.Table)).ToList();
            if (affected.Count == 0 || chosen.Any(x => x.Candidate.Table == c.Table && Serves(x.Candidate.Index, c.Index)))
            {
                scores[c] = new Score(0, 0, size, true, []);
                return;
            }
            var set = chosen.Where(x => !replaces.Contains(x)).Select(x => x.Candidate.Index).Append(c.Index).ToList();
            var costs = await whatIf.CostAsync(affected, set, cancellationToken).ConfigureAwait(false);
            var gain = Gain(affected, costs, current, weight, options.MinImprovement);
            // Replacing an index can make a query it served costlier (a wider index has more pages to read): that counts.
            if (replaces.Count > 0) gain -= Loss(affected, costs, current, weight);
            // One index in place of the ones it replaces: the writes maintain one instead of those.
            var score = gain - Penalty(c.Index, queries, options) * (1 - replaces.Count);
            scores[c] = new Score(byDensity ? score / Math.Max(8192, size) : score, gain, size, true, replaces.Select(x => x.Candidate).ToList());
        }
        foreach (var c in candidates) await EvaluateAsync(c).ConfigureAwait(false);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var open = scores.Where(kv => kv.Value.Rank > 0 && (budget is not { } b || used + kv.Value.Size <= b)).ToList();
            if (open.Count == 0) break;
            var top = open.Max(kv => kv.Value.Rank);
            var window = open.Where(kv => kv.Value.Rank >= NearlyAsGood * top).ToList();
            var stale = window.Where(kv => !kv.Value.Fresh).Select(kv => kv.Key).ToList();
            if (stale.Count > 0)
            {
                foreach (var c in stale) await EvaluateAsync(c).ConfigureAwait(false);
                continue;
            }
            var (pick, score) = window.OrderBy(kv => kv.Value.Size).ThenByDescending(kv => kv.Value.Rank).Select(kv => (kv.Key, kv.Value)).First();
            var replaced = chosen.Where(x => score.Replaces.Contains(x.Candidate)).ToList();
            chosen.RemoveAll(x => score.Replaces.Contains(x.Candidate));
            // The replacement serves the queries the replaced ones were proposed for, and carries their gain.
            var taken = replaced.Count == 0 ? pick : pick with { ProposedFor = pick.ProposedFor.Union(replaced.SelectMany(x => x.Candidate.ProposedFor)).ToHashSet() };
            chosen.Add((taken, score.Gain + replaced.Sum(x => x.Gain)));
            used += score.Size;
            scores.Remove(pick);
            var touched = queries.Where(q => q.Tables.Contains(pick.Table)).ToList();
            var after = await whatIf.CostAsync(touched, chosen.Select(x => x.Candidate.Index).ToList(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < touched.Count; i++) current[touched[i].Id] = after[i];
            foreach (var c in scores.Keys.Where(c => c.Table == pick.Table).ToList())
            {
                if (Serves(c.Index, pick.Index)) await EvaluateAsync(c).ConfigureAwait(false);
                else scores[c] = scores[c] with { Fresh = false };
            }
        }
    }

    /// <summary>A candidate's standing in the greedy: its rank (gain, or gain per byte), gain, bytes, whether it is current, and the chosen indexes it would replace.</summary>
    private sealed record Score(double Rank, double Gain, long Size, bool Fresh, IReadOnlyList<WorkloadCandidate> Replaces);

    /// <summary>
    /// Takes out every chosen index the others make (nearly) redundant, last chosen first (later ones tend to be
    /// wider), updating the queries' costs; returns what it took out.
    /// </summary>
    private static async Task<List<WorkloadCandidate>> MergeAsync(IReadOnlyList<AnalysedQuery> queries, SelectionOptions options, Dictionary<int, double> weight,
        List<(WorkloadCandidate Candidate, double Gain)> chosen, Dictionary<int, double?> current, WhatIfCache whatIf, CancellationToken cancellationToken)
    {
        var removed = new List<WorkloadCandidate>();
        for (var i = chosen.Count - 1; i >= 0; i--)
        {
            var c = chosen[i];
            var affected = queries.Where(q => q.Tables.Contains(c.Candidate.Table)).ToList();
            var without = chosen.Where((_, j) => j != i).Select(x => x.Candidate.Index).ToList();
            var costs = await whatIf.CostAsync(affected, without, cancellationToken).ConfigureAwait(false);
            var loss = 0.0;
            for (var k = 0; k < affected.Count; k++)
                if (costs[k] is { } w && current[affected[k].Id] is { } now) loss += weight[affected[k].Id] * Math.Max(0, w - now);
            // An index another chosen one serves (its prefix, or covered by it) goes unless it earns a quarter of its
            // own gain over that one: two indexes for nearly one benefit cost twice the writes and the space.
            var servedByOther = chosen.Where((_, j) => j != i).Any(x => Serves(x.Candidate.Index, c.Candidate.Index));
            if (loss <= Math.Max(Penalty(c.Candidate.Index, queries, options), (servedByOther ? 0.25 : 0.02) * c.Gain))
            {
                chosen.RemoveAt(i);
                removed.Add(c.Candidate);
                for (var k = 0; k < affected.Count; k++) current[affected[k].Id] = costs[k];
            }
        }
        return removed;
    }

    /// <summary>
    /// Without what-if costing: each query's own proposal, an index whose keys lead another chosen one on the same table
    /// (same WHERE) dropped in favour of the longer, within the budget by estimated size. Marked unverified.
    /// </summary>
    public static WorkloadSelection Heuristic(IReadOnlyList<AnalysedQuery> queries, IReadOnlyList<WorkloadCandidate> candidates, IReadOnlyList<ExistingIndex> existing, SelectionOptions options)
    {
        var proposed = candidates.Where(c => c.Variant == CandidateVariant.Proposed).ToList();
        var kept = Merge(proposed);
        var chosen = new List<ChosenIndex>();
        long used = 0;
        foreach (var c in kept.OrderByDescending(c => c.ProposedFor.Sum(id => queries.FirstOrDefault(q => q.Id == id)?.Query.Weight ?? 0)))
        {
            var size = EstimateSize(c.Index, options);
            if (options.BudgetBytes is { } budget && size is { } s && used + s > budget) continue;
            used += size ?? 0;
            chosen.Add(new ChosenIndex(c.Index, size, 0, c.ProposedFor.Order().ToList()));
        }
        return new WorkloadSelection(chosen, Drops(existing, chosen.Select(x => x.Index).ToList()),
            queries.Select(q => new QueryCost(q.Id, q.Query, null, null)).ToList())
        { Verified = false, Candidates = candidates.Count, BudgetBytes = options.BudgetBytes };
    }

    /// <summary>Candidates on the same table and WHERE whose keys lead another's are served by it: keep the longer, and the queries of both.</summary>
    public static IReadOnlyList<WorkloadCandidate> Merge(IReadOnlyList<WorkloadCandidate> candidates)
    {
        var kept = new List<WorkloadCandidate>();
        foreach (var c in candidates.OrderByDescending(c => c.Index.Keys.Count + c.Index.Include.Count))
        {
            var host = kept.FindIndex(k => Serves(k.Index, c.Index));
            if (host >= 0) kept[host] = kept[host] with { ProposedFor = kept[host].ProposedFor.Union(c.ProposedFor).ToHashSet() };
            else kept.Add(c);
        }
        return candidates.Select(c => kept.FirstOrDefault(k => k.Index.DefinitionKey == c.Index.DefinitionKey)).Where(k => k is not null).Select(k => kept.First(x => x.Index.DefinitionKey == k!.Index.DefinitionKey)).Distinct().ToList();
    }

    /// <summary>True when <paramref name="wide"/> serves every lookup <paramref name="narrow"/> does: same table and WHERE, narrow's keys lead wide's (in the same directions), narrow's INCLUDE among wide's columns.</summary>
    public static bool Serves(IndexCandidate wide, IndexCandidate narrow)
    {
        if (!NameComparer.SameObject(wide.Table, narrow.Table)) return false;
        if (IndexAdvisor.NormalizeText(wide.Predicate ?? "") != IndexAdvisor.NormalizeText(narrow.Predicate ?? "")) return false;
        if (narrow.Keys.Count > wide.Keys.Count) return false;
        for (var i = 0; i < narrow.Keys.Count; i++)
            if (IndexAdvisor.Normalize(narrow.Keys[i].Key) != IndexAdvisor.Normalize(wide.Keys[i].Key) || narrow.Keys[i].Key.Descending != wide.Keys[i].Key.Descending) return false;
        var wideColumns = wide.Keys.Select(k => IndexAdvisor.Normalize(k.Key)).Concat(wide.Include.Select(c => c.ToLowerInvariant())).ToHashSet();
        return narrow.Include.All(c => wideColumns.Contains(c.ToLowerInvariant()));
    }

    /// <summary>
    /// Existing indexes to drop: one a chosen index extends, one never scanned since the statistics were reset, one
    /// whose keys lead another existing index (a duplicate). Primary keys and unique indexes stay: they enforce a rule.
    /// </summary>
    public static IReadOnlyList<DropProposal> Drops(IReadOnlyList<ExistingIndex> existing, IReadOnlyList<IndexCandidate> chosen)
    {
        var drops = new List<DropProposal>();
        foreach (var index in existing)
        {
            if (index.Primary || index.Unique) continue;
            if (index.Method is not null && !index.Method.Equals("btree", StringComparison.OrdinalIgnoreCase)) continue;
            DropProposal Drop(string reason, string evidence) => new(index.Table, index.Name, reason, evidence) { SizeBytes = index.SizeBytes, Keys = index.Keys, Predicate = index.Predicate };
            if (chosen.FirstOrDefault(c => NameComparer.SameName(c.Extends, index.Name) && NameComparer.SameObject(c.Table, index.Table)) is { } extender)
            {
                drops.Add(Drop("extended", $"`{extender.Name}` ({extender.KeyList}) starts with its keys ({string.Join(", ", index.Keys)}) and serves every lookup it does"));
                continue;
            }
            var duplicateOf = existing.FirstOrDefault(o => !ReferenceEquals(o, index) && NameComparer.SameObject(o.Table, index.Table)
                && IndexAdvisor.NormalizeText(o.Predicate ?? "") == IndexAdvisor.NormalizeText(index.Predicate ?? "")
                && (o.Method is null || o.Method.Equals("btree", StringComparison.OrdinalIgnoreCase))
                && o.Keys.Count >= index.Keys.Count && index.Keys.Count > 0
                && index.Keys.Select((k, i) => IndexAdvisor.Normalize(k) == IndexAdvisor.Normalize(o.Keys[i]) && k.Descending == o.Keys[i].Descending).All(x => x)
                && (o.Keys.Count > index.Keys.Count || string.CompareOrdinal(o.Name, index.Name) < 0));
            if (duplicateOf is not null)
            {
                drops.Add(Drop("duplicate", $"`{duplicateOf.Name}` ({string.Join(", ", duplicateOf.Keys)}) starts with the same keys ({string.Join(", ", index.Keys)}) and serves every lookup it does"
                    + (index.Scans is { } s ? $"; it was scanned {s} time(s) since the statistics were reset" : "")));
                continue;
            }
            if (index.Scans == 0)
                drops.Add(Drop("unused", "0 index scans since the statistics were reset (pg_stat_user_indexes.idx_scan = 0)" + (index.SizeBytes is { } b ? $"; it takes {Bytes(b)} and slows every write" : "")));
        }
        return drops;
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} kB",
        _ => $"{bytes} B",
    };

    private static double Gain(IReadOnlyList<AnalysedQuery> affected, IReadOnlyList<double?> costs, Dictionary<int, double?> current, Dictionary<int, double> weight, double minImprovement)
    {
        var gain = 0.0;
        for (var i = 0; i < affected.Count; i++)
        {
            if (costs[i] is not { } after || current[affected[i].Id] is not { } before) continue;
            if (after <= before * (1 - minImprovement)) gain += weight[affected[i].Id] * (before - after);
        }
        return gain;
    }

    /// <summary>What the queries made costlier lose, weighted.</summary>
    private static double Loss(IReadOnlyList<AnalysedQuery> affected, IReadOnlyList<double?> costs, Dictionary<int, double?> current, Dictionary<int, double> weight)
    {
        var loss = 0.0;
        for (var i = 0; i < affected.Count; i++)
            if (costs[i] is { } after && current[affected[i].Id] is { } before && after > before) loss += weight[affected[i].Id] * (after - before);
        return loss;
    }

    /// <summary>Each write to the table maintains the index: the workload's own writes, and the table's measured writes.</summary>
    private static double Penalty(IndexCandidate index, IReadOnlyList<AnalysedQuery> queries, SelectionOptions options)
    {
        var table = index.Table.Name.ToLowerInvariant();
        var writes = queries.Where(q => q.Writes && q.Model.Targets.Any(t => NameComparer.SameName(t.Name.Name, table))).Sum(q => q.Query.Weight);
        if (options.TableWrites.TryGetValue(table, out var measured)) writes += measured;
        return writes * options.WriteCostPerIndex;
    }

    private static long NetSize(WorkloadCandidate c, Dictionary<string, long?> sizes, IReadOnlyList<ExistingIndex> existing)
    {
        var size = sizes[c.Index.DefinitionKey] ?? 0;
        if (c.Index.Extends is { } old && existing.FirstOrDefault(e => NameComparer.SameName(e.Name, old))?.SizeBytes is { } freed) size -= freed;
        return Math.Max(0, size);
    }

    /// <summary>Rows × (8 bytes a key or column + 16 of tuple header and pointer) / 0.9 fill; a partial index a tenth of that.</summary>
    public static long? EstimateSize(IndexCandidate index, SelectionOptions options)
    {
        if (!options.TableRows.TryGetValue(index.Table.Name.ToLowerInvariant(), out var rows)) return null;
        var width = 16 + 8 * (index.Keys.Count + index.Include.Count);
        var fraction = index.Predicate is null ? 1.0 : 0.1;
        return (long)(rows * fraction * width / 0.9);
    }
}
