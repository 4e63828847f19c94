using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Advisor;

/// <summary>Why a key is in a proposed index, which also fixes its place: equality and join keys first, then one range or the sort keys.</summary>
public enum IndexKeyRole
{
    Equality,
    Join,
    Range,
    Sort,
    /// <summary>A trailing key only there so that the query reads every column from the index (engines without INCLUDE).</summary>
    Covering,
}

public sealed record CandidateKey(IndexKey Key, IndexKeyRole Role);

/// <summary>An index the advisor proposes for one table of a statement, with the reasons for each key.</summary>
public sealed record IndexCandidate(QualifiedName Table, IReadOnlyList<CandidateKey> Keys, string Name)
{
    /// <summary>The table reference in the statement the index serves.</summary>
    public TextSpan? TableSpan { get; init; }

    /// <summary>The WHERE of a partial (filtered) index, in the engine's syntax, when the statement always filters on it.</summary>
    public string? Predicate { get; init; }

    /// <summary>Non-key columns stored in the index (INCLUDE) so that the query is answered from the index alone.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>An existing index this one extends (its keys lead this one's): build this, then drop that one.</summary>
    public string? Extends { get; init; }

    /// <summary>Why each key is there and in that place, and what the index does not fix; for the chat.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>An existing index (or primary/unique key) of the schema that already serves the statement: nothing to build.</summary>
    public string? CoveredBy { get; init; }

    public IReadOnlyList<IndexKey> IndexKeys => Keys.Select(k => k.Key).ToList();

    /// <summary>True when a key is an expression (lower(email)): an expression index.</summary>
    public bool IsExpressionIndex => Keys.Any(k => k.Key.Expression is not null);

    /// <summary>The key columns (or expressions) in index order, as the quick fix's data carries them.</summary>
    public IReadOnlyList<string> Columns => Keys.Select(k => k.Key.Column ?? k.Key.Expression ?? "").ToList();

    /// <summary>The keys as a reader scans them: <c>customer_id, created_at</c>.</summary>
    public string KeyList => string.Join(", ", Columns);

    /// <summary>One line per key, for hovers and plan findings.</summary>
    public string Explain() => string.Join("; ", Keys.Select(k => $"{k.Key} ({k.Role switch
    {
        IndexKeyRole.Equality => "equality filter",
        IndexKeyRole.Join => "join column",
        IndexKeyRole.Range => "range filter",
        IndexKeyRole.Covering => "covering column",
        _ => "sort order",
    }})")) + (Include.Count == 0 ? "" : $"; INCLUDE {string.Join(", ", Include)}") + (Predicate is null ? "" : $"; partial: WHERE {Predicate}");

    /// <summary>The definition as one comparable string: keys, INCLUDE and WHERE, normalised.</summary>
    public string DefinitionKey => Table.Name.ToLowerInvariant() + "(" + string.Join(",", Keys.Select(k => IndexAdvisor.Normalize(k.Key) + (k.Key.Descending ? " desc" : "")))
        + ")" + (Include.Count == 0 ? "" : " include(" + string.Join(",", Include.Select(c => c.ToLowerInvariant())) + ")")
        + (Predicate is null ? "" : " where " + IndexAdvisor.NormalizeText(Predicate));
}

/// <summary>Advice that is not a plain B-tree index: trigram/full-text for infix LIKE, OR rewrites, expression keys an engine cannot index.</summary>
public sealed record IndexHint(QualifiedName? Table, string Text);

/// <summary>Everything the advisor has to say about one statement: the indexes (covered ones included) and the hints.</summary>
public sealed record IndexAdvice(IReadOnlyList<IndexCandidate> Candidates, IReadOnlyList<IndexHint> Hints)
{
    public static readonly IndexAdvice None = new([], []);
}

/// <summary>The statements that create and drop a proposed index on one engine.</summary>
public sealed record IndexDdl(string Up, string Down)
{
    /// <summary>What the user must know to run it (transaction blocks, edition limits).</summary>
    public string? Note { get; init; }
}
