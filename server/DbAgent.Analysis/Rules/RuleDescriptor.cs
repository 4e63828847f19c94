using DbAgent.Analysis.Findings;
using DbAgent.Sql;

namespace DbAgent.Analysis.Rules;

/// <summary>What kind of problem a rule reports; the chat groups findings by it.</summary>
public enum RuleCategory
{
    Syntax,
    Correctness,
    Safety,
    Performance,
    Schema,
    /// <summary>DDL that locks, rewrites or breaks a live database.</summary>
    Migration,
}

/// <summary>
/// Everything the editor and the chat say about a rule: its id (the key of the <c>dbagent.rules</c> setting and of
/// <c>-- dbagent-ignore</c>), a title, the one-line message of its diagnostics, its default severity and its doc page.
/// </summary>
public sealed record RuleDescriptor(string Id, string Title, string Message, FindingSeverity DefaultSeverity, RuleCategory Category)
{
    /// <summary>The rule's doc page (markdown: why, bad example, good example, fix); empty when none ships.</summary>
    public string Documentation => RuleDocumentation.Get(Id) ?? string.Empty;

    /// <summary>False for opt-in rules (style nits that would drown real findings): they report only when configured on.</summary>
    public bool EnabledByDefault { get; init; } = true;

    /// <summary>The engines the rule reports on (every engine when empty).</summary>
    public IReadOnlyList<SqlDialect> Engines { get; init; } = [];

    public bool AppliesTo(SqlDialect dialect) => Engines.Count == 0 || Engines.Contains(dialect);

    /// <summary>Where the rule's doc page can be opened (see <see cref="RuleDocumentation.UriFor"/>).</summary>
    public Uri? HelpUri => RuleDocumentation.UriFor(Id);
}
