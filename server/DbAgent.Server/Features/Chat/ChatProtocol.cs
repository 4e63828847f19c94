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

    /// <summary>The model the user picked in VS Code's chat (`request.model`); absent: the client runs none.</summary>
    [JsonPropertyName("model")] public ChatModelInfo? Model { get; init; }

    /// <summary>What the user attached (`#file`, selections, symbols), with the text the client read.</summary>
    [JsonPropertyName("references")] public IReadOnlyList<ChatReferenceParams>? References { get; init; }
}

public sealed record ChatModelInfo
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("vendor")] public string? Vendor { get; init; }
    [JsonPropertyName("family")] public string? Family { get; init; }
}

public sealed record ChatReferenceParams
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("uri")] public string? Uri { get; init; }
    [JsonPropertyName("range")] public Range? Range { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
}

// dbagent/modelRequest (server → client) and dbagent/modelText (client → server).

public sealed record ModelRequestParams(
    [property: JsonPropertyName("chatToken")] string ChatToken,
    [property: JsonPropertyName("requestToken")] string RequestToken,
    [property: JsonPropertyName("messages")] IReadOnlyList<ModelMessageValue> Messages,
    [property: JsonPropertyName("tools")] IReadOnlyList<ModelToolValue> Tools);

/// <summary>A message: role `user` or `assistant`, and its parts in order.</summary>
public sealed record ModelMessageValue(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] IReadOnlyList<ModelPartValue> Content);

/// <summary>`kind`: `text` (text), `toolCall` (callId, name, input) or `toolResult` (callId, text, isError).</summary>
public sealed record ModelPartValue
{
    [JsonPropertyName("kind")] public string Kind { get; init; } = "text";
    [JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Text { get; init; }
    [JsonPropertyName("callId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CallId { get; init; }
    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; init; }
    [JsonPropertyName("input"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public System.Text.Json.JsonElement? Input { get; init; }
    [JsonPropertyName("isError"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? IsError { get; init; }
}

public sealed record ModelToolValue(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("inputSchema")] System.Text.Json.Nodes.JsonObject InputSchema);

public sealed record ModelRequestResult
{
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("toolCalls")] public IReadOnlyList<ModelToolCallValue>? ToolCalls { get; init; }
}

public sealed record ModelToolCallValue
{
    [JsonPropertyName("callId")] public string? CallId { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("input")] public System.Text.Json.JsonElement? Input { get; init; }
}

public sealed record ModelTextParams
{
    [JsonPropertyName("requestToken")] public string? RequestToken { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
}

// dbagent/runTool (client → server): agent mode's tool invocations.

public sealed record RunToolParams
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("input")] public System.Text.Json.JsonElement? Input { get; init; }
    /// <summary>The active editor's document, the default target of tools that read a file.</summary>
    [JsonPropertyName("document")] public ChatDocumentParams? Document { get; init; }
}

public sealed record RunToolResult(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("isError")] bool IsError);

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
