namespace DbAgent.Agent.Chat;

/// <summary>Maps a free-form question to the closest slash command by its words, for answers without a model.</summary>
public static class CommandRouter
{
    private static readonly (string Command, string[] Stems)[] Table =
    [
        ("indexes", ["index", "indexes", "indices"]),
        ("optimize", ["slow", "fast", "faster", "optimi", "performance", "speed", "tune", "tuning", "rewrite", "sargable"]),
        ("explain", ["explain", "plan", "what does", "understand", "meaning"]),
        ("migrations", ["migration", "migrate", "alter", "lock", "downtime", "safe", "rollout", "ddl"]),
        ("schema", ["schema", "design", "foreign key", "primary key", "normali", "relationship", "table design", "constraint", "erd"]),
        ("review", ["review", "check", "lint", "problem", "issue", "wrong", "bug", "mistake", "finding"]),
        ("stats", ["stats", "statistic", "rows", "size", "vacuum", "bloat", "analyze", "cardinality"]),
        ("backup", ["backup", "back up", "restore", "recover", "pitr", "dump", "disaster"]),
        ("scaling", ["scal", "replica", "partition", "shard", "pool", "cache", "throughput", "load", "concurren", "high availability"]),
    ];

    /// <summary>
    /// The command whose words the prompt uses most (each word of the prompt counts once per command, a phrase counts
    /// as one word); ties go to the more specific command, first in the table. Null when none matches.
    /// </summary>
    public static string? Route(string prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt)) return null;
        var text = prompt.ToLowerInvariant();
        var words = System.Text.RegularExpressions.Regex.Split(text, @"[^\p{L}\p{N}]+");
        string? best = null;
        var bestScore = 0;
        foreach (var (command, stems) in Table)
        {
            var score = words.Count(w => w.Length > 0 && stems.Any(s => !s.Contains(' ') && w.StartsWith(s, StringComparison.Ordinal)))
                + stems.Count(s => s.Contains(' ') && text.Contains(s, StringComparison.Ordinal));
            if (score > bestScore) (best, bestScore) = (command, score);
        }
        return best;
    }
}
