using DbAgent.Agent.Chat;

namespace DbAgent.Agent.Commands;

/// <summary>A slash command of @database-expert, answered from the tools alone, deterministically.</summary>
public interface IChatCommand
{
    /// <summary>The command without the slash, as the client sends it.</summary>
    string Name { get; }

    /// <summary>What it does, in a few words (for help text and followup labels).</summary>
    string Description { get; }

    /// <summary>Streams the answer and returns the followups that make sense after it.</summary>
    Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response);
}

/// <summary>The followups offered after an answer: the next slash commands that make sense.</summary>
public static class Followups
{
    private static readonly Dictionary<string, (string Label, string Prompt)> Known = new(StringComparer.Ordinal)
    {
        ["review"] = ("Review this file", "Review the active file"),
        ["explain"] = ("Explain this statement", "Explain the current statement"),
        ["indexes"] = ("Suggest indexes", "Which indexes would this statement use?"),
        ["optimize"] = ("Optimize this query", "How can this query be faster?"),
        ["schema"] = ("Review the schema", "Describe the schema and its design issues"),
        ["migrations"] = ("Check migration safety", "Is this migration safe to run on a live database?"),
        ["stats"] = ("Show table statistics", "Show the statistics of the tables this statement uses"),
        ["backup"] = ("Backup and recovery", "How should I back up and restore this database?"),
        ["scaling"] = ("Scaling", "How do I scale this database?"),
    };

    public static IReadOnlyList<ChatFollowup> Of(params string[] commands) =>
        commands.Where(Known.ContainsKey).Distinct().Select(c => new ChatFollowup(Known[c].Label, Known[c].Prompt, c)).ToList();
}
