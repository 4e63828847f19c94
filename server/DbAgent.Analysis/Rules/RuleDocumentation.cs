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

    /// <summary>
    /// Where doc pages are opened from. The pages ship beside the executable as <c>docs/rules/&lt;rule-id&gt;.md</c>
    /// (copied from <c>server/DbAgent.Analysis/Rules/Docs</c>, their one source), so by default a rule links a
    /// <c>file:</c> URI that exists on this machine and works offline. A project can point them elsewhere (its own
    /// published copy) with <c>docsBaseUri</c> in <c>dbagent.json</c>.
    /// </summary>
    public static Uri? DefaultBaseUri { get; } = LocalBase();

    /// <summary>The URI of a rule's page under <paramref name="baseUri"/> (default: the shipped copy), or null when there is no page.</summary>
    public static Uri? UriFor(string ruleId, Uri? baseUri = null)
    {
        var id = RuleIds.FirstOrDefault(r => string.Equals(r, ruleId, StringComparison.OrdinalIgnoreCase));
        baseUri ??= DefaultBaseUri;
        if (id is null || baseUri is null) return null;
        var b = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        return new Uri(b, id + ".md");
    }

    private static Uri? LocalBase()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "docs", "rules");
        return Directory.Exists(folder) ? new Uri(folder + Path.DirectorySeparatorChar) : null;
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
