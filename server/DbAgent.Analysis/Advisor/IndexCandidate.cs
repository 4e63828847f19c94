using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Advisor;

/// <summary>Why a key is in a proposed index: equality keys first, then one range or the sort keys.</summary>
public enum IndexKeyRole
{
    Equality,
    Join,
    Range,
    Sort,
}

public sealed record CandidateKey(IndexKey Key, IndexKeyRole Role);

/// <summary>An index the advisor proposes for one table of a statement, with the reasons for each key.</summary>
public sealed record IndexCandidate(QualifiedName Table, IReadOnlyList<CandidateKey> Keys, string Name)
{
    /// <summary>The table reference in the statement the index serves.</summary>
    public TextSpan? TableSpan { get; init; }

    public IReadOnlyList<IndexKey> IndexKeys => Keys.Select(k => k.Key).ToList();

    /// <summary>True when a key is an expression (lower(email)): an expression index.</summary>
    public bool IsExpressionIndex => Keys.Any(k => k.Key.Expression is not null);

    /// <summary>The key columns (or expressions) in index order, as the quick fix's data carries them.</summary>
    public IReadOnlyList<string> Columns => Keys.Select(k => k.Key.Column ?? k.Key.Expression ?? "").ToList();

    /// <summary>One line per key, for hovers and the chat.</summary>
    public string Explain() => string.Join("; ", Keys.Select(k => $"{k.Key} ({k.Role switch
    {
        IndexKeyRole.Equality => "equality filter",
        IndexKeyRole.Join => "join column",
        IndexKeyRole.Range => "range filter",
        _ => "sort order",
    }})"));
}

/// <summary>The statements that create and drop a proposed index on one engine.</summary>
public sealed record IndexDdl(string Up, string Down)
{
    /// <summary>What the user must know to run it (transaction blocks, edition limits).</summary>
    public string? Note { get; init; }
}
