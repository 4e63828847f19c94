using System.Text.Json.Serialization;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Features.Chat;

// The `dbagent/chat` payloads; the extension declares the same in extension/src/chat/protocol.ts (keep them equal).

public sealed record ChatParams
{
    [JsonPropertyName("prompt")] public string? Prompt { get; init; }
    [JsonPropertyName("command")] public string? Command { get; init; }
    [JsonPropertyName("history")] public IReadOnlyList<ChatHistoryTurn>? History { get; init; }
    [JsonPropertyName("document")] public ChatDocumentParams? Document { get; init; }
    [JsonPropertyName("selection")] public Range? Selection { get; init; }
    [JsonPropertyName("partialResultToken")] public string? PartialResultToken { get; init; }
}

public sealed record ChatHistoryTurn
{
    /// <summary>"user" or "assistant".</summary>
    [JsonPropertyName("role")] public string? Role { get; init; }
    [JsonPropertyName("content")] public string? Content { get; init; }
    [JsonPropertyName("command")] public string? Command { get; init; }
}

public sealed record ChatDocumentParams
{
    [JsonPropertyName("uri")] public string? Uri { get; init; }
    [JsonPropertyName("languageId")] public string? LanguageId { get; init; }
}

/// <summary>The value of one `$/progress` notification on the partialResultToken.</summary>
public sealed record MarkdownPartValue([property: JsonPropertyName("text")] string Text)
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "serialized: System.Text.Json writes instance properties")]
    [JsonPropertyName("kind")] public string Kind => "markdown";
}

public sealed record ReferencePartValue(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("range"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] Range? Range)
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "serialized: System.Text.Json writes instance properties")]
    [JsonPropertyName("kind")] public string Kind => "reference";
}

public sealed record ProgressPartValue([property: JsonPropertyName("message")] string Message)
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "serialized: System.Text.Json writes instance properties")]
    [JsonPropertyName("kind")] public string Kind => "progress";
}

public sealed record ChatFollowupValue(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("command"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Command);

public sealed record ChatMetadata([property: JsonPropertyName("command"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Command);

public sealed record ChatResult(
    [property: JsonPropertyName("followups")] IReadOnlyList<ChatFollowupValue> Followups,
    [property: JsonPropertyName("metadata")] ChatMetadata Metadata);
