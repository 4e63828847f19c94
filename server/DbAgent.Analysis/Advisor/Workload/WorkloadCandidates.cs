using System.Text.RegularExpressions;
using DbAgent.Analysis.Semantics;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Advisor.Workload;

/// <summary>The most common values of a column and their fractions of the rows (PostgreSQL's pg_stats, MySQL histograms).</summary>
public sealed record ValueFrequencies(IReadOnlyList<string> Values, IReadOnlyList<double> Frequencies)
{
    /// <summary>Number of distinct values; positive a count, negative a fraction of the rows (PostgreSQL convention).</summary>
    public double? Distinct { get; init; }
}

/// <summary>A workload query read into its statement model, with the tables it touches.</summary>
public sealed record AnalysedQuery(int Id, WorkloadQuery Query, StatementModel Model, IReadOnlySet<string> Tables)
{
    public bool Writes => Model.Kind is StatementKind.Update or StatementKind.Delete or StatementKind.Insert or StatementKind.Merge;

    public static AnalysedQuery? From(int id, WorkloadQuery query, SqlDialect dialect)
    {
        var script = SqlScript.Parse(query.Sql, dialect);
        if (script.Statements.Count == 0) return null;
        var model = script.Statements[0].Model;
        var tables = StatementRelations.Stored(model).Select(r => r.Name.Name.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        return tables.Count == 0 ? null : new AnalysedQuery(id, query, model, tables);
    }
}

public enum CandidateVariant
{
    Proposed,
    EqualityPrefix,
    Covering,
    Partial,
}

/// <summary>A candidate index for the workload and the queries it was proposed for.</summary>
public sealed record WorkloadCandidate(IndexCandidate Index, IReadOnlySet<int> ProposedFor)
{
    /// <summary>What the per-statement advisor proposed itself, or a variant built around it.</summary>
    public CandidateVariant Variant { get; init; }

    public string Table => Index.Table.Name.ToLowerInvariant();
}

/// <summary>
/// Candidate indexes for a whole workload, from the semantic model of every query through the per-statement
/// advisor, and around each of its proposals: the equality prefix alone (one index many queries can share), the
/// columns the query reads as INCLUDE (or trailing keys) for an index-only scan, and a partial index when a query
/// filters on a rare value of a column (from the column statistics). An existing index whose keys lead a candidate
/// is extended rather than doubled. Candidates are unique per definition, and so are their names.
/// </summary>
public static partial class WorkloadCandidates
{
    /// <summary>A value is rare when it is at most this fraction of the rows.</summary>
    public const double RareFraction = 0.05;
    private const int MaxCoveringColumns = 4;
    private const int MaxDistinctForPartial = 100;

    public static IReadOnlyList<WorkloadCandidate> Generate(IReadOnlyList<AnalysedQuery> queries, SqlDialect dialect, SchemaModel? schema,
        Func<QualifiedName, string, ValueFrequencies?>? frequencies = null)
    {
        var byDefinition = new Dictionary<string, (IndexCandidate Index, HashSet<int> For, CandidateVariant Variant)>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(IndexCandidate candidate, int query, CandidateVariant variant)
        {
            var table = schema?.FindTable(candidate.Table);
            if (table is not null && IndexAdvisor.CoveringIndex(table, candidate.Keys, candidate.Predicate) is { } existing && candidate.Include.Count == 0
                && !candidate.Keys.Any(k => k.Role == IndexKeyRole.Covering))
                return; // an existing index serves it already
            candidate = candidate with { Name = IndexAdvisor.IndexName(candidate.Table, candidate.IndexKeys, candidate.Predicate, candidate.Include) };
            if (table is not null && candidate.Predicate is null && Extended(table, candidate) is { } extended) candidate = candidate with { Extends = extended };
            var key = candidate.DefinitionKey;
            if (byDefinition.TryGetValue(key, out var seen)) { seen.For.Add(query); return; }
            byDefinition[key] = (candidate, [query], variant);
            order.Add(key);
        }

        foreach (var q in queries)
        {
            var advice = IndexAdvisor.Advise(q.Model, dialect, schema, q.Query.Sql);
            foreach (var c in advice.Candidates)
            {
                var relation = StatementRelations.Stored(q.Model).FirstOrDefault(r => r.Span == c.TableSpan)
                    ?? StatementRelations.Stored(q.Model).FirstOrDefault(r => NameComparer.SameObject(r.Name, c.Table));
                if (c.CoveredBy is null) Add(c, q.Id, CandidateVariant.Proposed);

                // The equality (and join) prefix alone: smaller, and shared by queries that differ after it.
                var prefix = c.Keys.TakeWhile(k => k.Role is IndexKeyRole.Equality or IndexKeyRole.Join).ToList();
                if (prefix.Count > 0 && prefix.Count < c.Keys.Count && c.Predicate is null)
                    Add(c with { Keys = prefix }, q.Id, CandidateVariant.EqualityPrefix);

                if (relation is null) continue;
                if (Covering(q, relation, c, dialect, schema) is { } covering) Add(covering, q.Id, CandidateVariant.Covering);
                foreach (var partial in RareValuePartials(q, relation, c, dialect, schema, frequencies))
                {
                    Add(partial, q.Id, CandidateVariant.Partial);
                    // The rare rows only, and what the query reads of them: an index-only scan of a small index.
                    if (Covering(q, relation, partial, dialect, schema) is { } coveringPartial) Add(coveringPartial, q.Id, CandidateVariant.Partial);
                }
            }
        }
        return order.Select(k => new WorkloadCandidate(byDefinition[k].Index, byDefinition[k].For) { Variant = byDefinition[k].Variant }).ToList();
    }

    /// <summary>An existing plain B-tree index whose keys are a strict prefix of the candidate's: extend it rather than add beside it.</summary>
    private static string? Extended(TableModel table, IndexCandidate candidate)
    {
        foreach (var index in table.Indexes)
        {
            if (index.IsPrimaryKey || index.Unique || !string.IsNullOrEmpty(index.Predicate)) continue;
            if (index.Method is not null && !index.Method.Equals("btree", StringComparison.OrdinalIgnoreCase)) continue;
            if (index.Keys.Count == 0 || index.Keys.Count >= candidate.Keys.Count) continue;
            if (index.Keys.Select((k, i) => IndexAdvisor.Normalize(k) == IndexAdvisor.Normalize(candidate.Keys[i].Key)).All(x => x))
                return index.Name;
        }
        return null;
    }

    /// <summary>
    /// The same index with every other column the query reads from this table, so that the query never visits the
    /// table: INCLUDE where the engine has it, trailing keys elsewhere. Only for a few narrow columns and never for
    /// SELECT * (that is the whole row).
    /// </summary>
    private static IndexCandidate? Covering(AnalysedQuery q, RelationReference relation, IndexCandidate c, SqlDialect dialect, SchemaModel? schema)
    {
        if (q.Model.Kind != StatementKind.Select || SelectStar().IsMatch(q.Query.Sql)) return null;
        var keyColumns = c.Keys.Select(k => k.Key.Column).Where(x => x is not null).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // A partial index's WHERE answers for the columns it tests (PostgreSQL plans an index-only scan without them).
        if (c.Predicate is not null)
            foreach (var p in q.Model.Predicates.Where(p => p.Column is not null && p.Kind == PredicateKind.Equality
                         && c.Predicate.StartsWith(SqlIdentifiers.Quote(p.Column.Name, dialect) + " = ", StringComparison.Ordinal)))
                keyColumns.Add(p.Column!.Name);
        var columns = q.Model.Columns
            .Where(col => col.Name != "*" && StatementRelations.BelongsTo(col, relation, q.Model, schema) && !keyColumns.Contains(col.Name))
            .Select(col => col.Name)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var table = schema?.FindTable(c.Table);
        if (table is not null) columns = columns.Where(col => table.FindColumn(col) is not null).ToList();
        if (columns.Count == 0 || columns.Count > MaxCoveringColumns) return null;
        if (c.IsExpressionIndex && dialect != SqlDialect.Postgres) return null;
        return dialect is SqlDialect.Postgres or SqlDialect.TSql
            ? c with { Include = columns, Reasons = [.. c.Reasons, $"INCLUDE ({string.Join(", ", columns)}): the query reads them too, so it is answered by an index-only scan"] }
            : c with
            {
                Keys = [.. c.Keys, .. columns.Select(col => new CandidateKey(new IndexKey(col, null, false), IndexKeyRole.Covering))],
                Reasons = [.. c.Reasons, $"`{string.Join("`, `", columns)}` trail the keys: the query reads them too, so the index alone answers it"],
            };
    }

    /// <summary>
    /// For an equality on a rare value (at most <see cref="RareFraction"/> of the rows, from the column statistics):
    /// a partial index holding only those rows, keyed on what else the query filters or sorts by. MySQL has no
    /// partial indexes.
    /// </summary>
    private static IEnumerable<IndexCandidate> RareValuePartials(AnalysedQuery q, RelationReference relation, IndexCandidate c, SqlDialect dialect,
        SchemaModel? schema, Func<QualifiedName, string, ValueFrequencies?>? frequencies)
    {
        if (frequencies is null || dialect == SqlDialect.MySql || c.Predicate is not null) yield break;
        foreach (var p in q.Model.Predicates.Where(p => p.Kind == PredicateKind.Equality && p.OrGroup is null && p.Clause == PredicateClause.Where
                     && StatementRelations.BelongsTo(p.Column, relation, q.Model, schema)))
        {
            var literal = LiteralOf(q.Query.Sql, p);
            if (literal is null) continue;
            var stats = frequencies(c.Table, p.Column!.Name);
            // Only a column of a few values, most rows in its common ones (a status), has rare values worth a partial
            // index: for a column of many values every constant is rare, and an index per constant would be absurd.
            if (stats is null || stats.Distinct is not (> 0 and <= MaxDistinctForPartial) || stats.Frequencies.Sum() < 0.9) continue;
            var unquoted = literal.StartsWith('\'') ? literal[1..^1].Replace("''", "'") : literal;
            var at = stats.Values.ToList().FindIndex(v => v == unquoted);
            double fraction;
            if (at >= 0 && at < stats.Frequencies.Count) fraction = stats.Frequencies[at];
            else if (stats.Values.Count > 0 && stats.Distinct is > 0 and < 1000)
                fraction = Math.Max(0, 1 - stats.Frequencies.Sum()) / Math.Max(1, stats.Distinct.Value - stats.Values.Count);
            else continue;
            if (fraction > RareFraction) continue;
            var rest = c.Keys.Where(k => !NameComparer.SameName(k.Key.Column, p.Column.Name)).ToList();
            if (rest.Count == 0) rest = [new CandidateKey(new IndexKey(p.Column.Name, null, false), IndexKeyRole.Equality)];
            var predicate = $"{SqlIdentifiers.Quote(p.Column.Name, dialect)} = {literal}";
            yield return c with
            {
                Keys = rest,
                Predicate = predicate,
                Reasons = [.. c.Reasons, $"`{p.Column.Name} = {literal}` matches about {fraction:P1} of the rows: a partial index holds only those rows, so it stays small"],
            };
        }
    }

    /// <summary>The constant an equality compares with, as written: a string literal or a number; null for anything else.</summary>
    internal static string? LiteralOf(string sql, Predicate p)
    {
        if (p.Span.End > sql.Length) return null;
        var written = sql.Substring(p.Span.Start, p.Span.Length);
        var eq = written.IndexOf('=');
        if (eq < 0) return null;
        var right = written[(eq + 1)..].Trim();
        if (right.Length >= 2 && right[0] == '\'' && right[^1] == '\'' && right.Count(ch => ch == '\'') % 2 == 0) return right;
        return Number().IsMatch(right) ? right : null;
    }

    [GeneratedRegex(@"^\s*select\s+(distinct\s+)?([\w""`\[\]]+\.)?\*", RegexOptions.IgnoreCase)]
    private static partial Regex SelectStar();

    [GeneratedRegex(@"^-?\d+(\.\d+)?$")]
    private static partial Regex Number();
}
