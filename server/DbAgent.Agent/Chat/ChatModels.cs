using DbAgent.Sql.Text;

namespace DbAgent.Agent.Chat;

/// <summary>One earlier turn of the conversation, as the client sends it.</summary>
public sealed record ChatTurn(ChatRole Role, string Content)
{
    public string? Command { get; init; }
}

public enum ChatRole
{
    User,
    Assistant,
}

/// <summary>What the user asked: the prompt, the slash command (without the slash) and the history.</summary>
public sealed record ChatRequest(string Prompt)
{
    public string? Command { get; init; }
    public IReadOnlyList<ChatTurn> History { get; init; } = [];
}

/// <summary>One streamed piece of an answer. The client concatenates markdown and shows references inline.</summary>
public abstract record ChatPart;

public sealed record MarkdownPart(string Text) : ChatPart;

/// <summary>A file, or a range in it (0-based LSP positions), that the answer points at.</summary>
public sealed record ReferencePart(string Uri, LineSpan? Range) : ChatPart;

/// <summary>A transient "working on it" message.</summary>
public sealed record ProgressPart(string Message) : ChatPart;

/// <summary>A next step the client offers as a button.</summary>
public sealed record ChatFollowup(string Label, string Prompt, string? Command);

/// <summary>The result after the last part: followups and which command answered.</summary>
public sealed record ChatAnswer(IReadOnlyList<ChatFollowup> Followups, string? Command);

/// <summary>Where parts go (the LSP $/progress stream, a recorder in tests). Called one part at a time, in order.</summary>
public interface IChatPartSink
{
    ValueTask WriteAsync(ChatPart part, CancellationToken cancellationToken);
}
