using DbAgent.Analysis.Rules;

namespace DbAgent.Agent.Commands;

/// <summary>Why each rule matters and how to fix it: the "Why" and "Fix" sections of the rule's doc page.</summary>
public static class RuleGuide
{
    public sealed record Entry(string Title, string Why, string Fix);

    public static Entry? For(string ruleId)
    {
        var rule = RuleCatalog.Find(ruleId);
        var page = rule?.Documentation;
        if (rule is null || string.IsNullOrWhiteSpace(page)) return null;
        var why = Section(page, "Why");
        var fix = Section(page, "Fix");
        return why is null && fix is null ? null : new Entry(rule.Title, why ?? "", fix ?? "");
    }

    /// <summary>The text under "## name" up to the next "## " heading.</summary>
    private static string? Section(string page, string name)
    {
        var heading = "## " + name;
        var start = page.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        if (start < 0) return null;
        start += heading.Length + 2;
        var end = page.IndexOf("\n## ", start, StringComparison.Ordinal);
        var text = (end < 0 ? page[start..] : page[start..end]).Trim();
        return text.Length == 0 ? null : text;
    }
}
