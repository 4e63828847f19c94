using DbAgent.Analysis.Findings;

namespace DbAgent.Analysis.Rules;

/// <summary>What kind of problem a rule reports; the chat groups findings by it.</summary>
public enum RuleCategory
{
    Syntax,
    Correctness,
    Safety,
    Performance,
    Schema,
}

/// <summary>
/// Everything the editor and the chat say about a rule: its id (the key of the <c>dbagent.rules</c> setting and of
/// <c>-- dbagent-ignore</c>), a title, the one-line message of its diagnostics, its default severity and its doc page.
/// </summary>
public sealed record RuleDescriptor(string Id, string Title, string Message, FindingSeverity DefaultSeverity, RuleCategory Category)
{
    /// <summary>The rule's doc page (markdown: why, bad example, good example, fix); empty when none ships.</summary>
    public string Documentation => RuleDocumentation.Get(Id) ?? string.Empty;
}
