using System.Collections.Concurrent;
using System.Reflection;

namespace DbAgent.Analysis.Rules;

/// <summary>The doc pages shipped as embedded markdown (<c>Rules/Docs/&lt;rule-id&gt;.md</c>), read once and cached.</summary>
public static class RuleDocumentation
{
    private const string Prefix = "DbAgent.Analysis.Rules.Docs.";
    private static readonly ConcurrentDictionary<string, string?> Cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The markdown page of a rule, or null when the id has none.</summary>
    public static string? Get(string? ruleId)
    {
        if (string.IsNullOrWhiteSpace(ruleId)) return null;
        return Cache.GetOrAdd(ruleId.Trim(), Load);
    }

    /// <summary>The ids that have a doc page.</summary>
    public static IReadOnlyList<string> RuleIds { get; } = typeof(RuleDocumentation).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".md", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^3])
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static string? Load(string ruleId)
    {
        var id = RuleIds.FirstOrDefault(r => string.Equals(r, ruleId, StringComparison.OrdinalIgnoreCase));
        if (id is null) return null;
        using var stream = typeof(RuleDocumentation).Assembly.GetManifestResourceStream(Prefix + id + ".md");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }
}
