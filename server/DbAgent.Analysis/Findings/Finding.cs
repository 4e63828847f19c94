using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Findings;

public enum FindingSeverity
{
    Error,
    Warning,
    Information,
    Hint,
}

/// <summary>
/// One thing the analysis found, on the exact range that causes it. <see cref="Detail"/> is markdown for hovers and
/// chat (a plan excerpt, the estimated rows); <see cref="Data"/> carries what a quick fix needs.
/// </summary>
public sealed record Finding(string RuleId, FindingSeverity Severity, string Message, TextSpan Span)
{
    public string? Detail { get; init; }
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
    /// <summary>The document the span is in, when it is not the document being analysed (schema drift points at migrations).</summary>
    public string? DocumentUri { get; init; }
}
