using DbAgent.Sql.Semantics;

namespace DbAgent.Databases;

public sealed record IndexStats(string Name)
{
    public string? Definition { get; init; }
    public long? SizeBytes { get; init; }
    public long? Scans { get; init; }
    public bool Unique { get; init; }
    public bool Primary { get; init; }
}

/// <summary>What an engine tells about a table; null members are what it does not have.</summary>
public sealed record TableStats(QualifiedName Table)
{
    public double? EstimatedRows { get; init; }
    public long? TableBytes { get; init; }
    public long? IndexBytes { get; init; }
    public long? TotalBytes { get; init; }
    public IReadOnlyList<IndexStats> Indexes { get; init; } = [];
    public long? SequentialScans { get; init; }
    public long? IndexScans { get; init; }
    public long? LiveRows { get; init; }
    public long? DeadRows { get; init; }
    public DateTimeOffset? LastVacuum { get; init; }
    public DateTimeOffset? LastAutoVacuum { get; init; }
    public DateTimeOffset? LastAnalyze { get; init; }
    public DateTimeOffset? LastAutoAnalyze { get; init; }
}

public sealed record ColumnStats(QualifiedName Table, string Column)
{
    public string? DataType { get; init; }
    public bool? Nullable { get; init; }
    public string? Default { get; init; }
    public double? NullFraction { get; init; }
    /// <summary>PostgreSQL convention: positive is a count, negative a fraction of the rows.</summary>
    public double? DistinctValues { get; init; }
    public IReadOnlyList<string> MostCommonValues { get; init; } = [];
    public IReadOnlyList<double> MostCommonFrequencies { get; init; } = [];
    public double? Correlation { get; init; }
}
