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
        ("schema", ["schema", "design", "foreign key", "primary key", "normali", "relationship", "table design", "constraint", "model"]),
        ("review", ["review", "check", "lint", "problem", "issue", "wrong", "bug", "mistake", "finding"]),
        ("stats", ["stat", "rows", "size", "vacuum", "bloat", "analyze", "cardinality"]),
        ("backup", ["backup", "back up", "restore", "recover", "pitr", "dump", "disaster"]),
        ("scaling", ["scal", "replica", "partition", "shard", "pool", "cache", "throughput", "load", "concurren", "high availability"]),
    ];

    /// <summary>The command whose words the prompt uses most; null when none matches.</summary>
    public static string? Route(string prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt)) return null;
        var text = prompt.ToLowerInvariant();
        string? best = null;
        var bestScore = 0;
        foreach (var (command, stems) in Table)
        {
            var score = stems.Count(s => text.Contains(s, StringComparison.Ordinal));
            if (score > bestScore) (best, bestScore) = (command, score);
        }
        return best;
    }
}
