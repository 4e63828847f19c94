using System.Text.Json;
using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#completionParams"/>
public sealed record CompletionParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("position")] Position Position)
{
    [JsonPropertyName("context")] public CompletionContext? Context { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#completionContext"/>
public sealed record CompletionContext
{
    /// <summary>1 = invoked (typing or Ctrl+Space), 2 = a trigger character, 3 = re-triggered for an incomplete list.</summary>
    [JsonPropertyName("triggerKind")] public int TriggerKind { get; init; }
    [JsonPropertyName("triggerCharacter")] public string? TriggerCharacter { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#completionList"/>
public sealed record CompletionList(
    [property: JsonPropertyName("isIncomplete")] bool IsIncomplete,
    [property: JsonPropertyName("items")] IReadOnlyList<CompletionItem> Items);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#completionItem"/>
public sealed record CompletionItem
{
    [JsonPropertyName("label")] public required string Label { get; init; }
    [JsonPropertyName("kind")] public int? Kind { get; init; }
    [JsonPropertyName("detail")] public string? Detail { get; init; }
    [JsonPropertyName("documentation")] public MarkupContent? Documentation { get; init; }
    [JsonPropertyName("sortText")] public string? SortText { get; init; }
    [JsonPropertyName("filterText")] public string? FilterText { get; init; }
    [JsonPropertyName("insertText")] public string? InsertText { get; init; }
    [JsonPropertyName("textEdit")] public TextEdit? TextEdit { get; init; }
    /// <summary>What completionItem/resolve needs to describe the item (<see cref="CompletionItemData"/>).</summary>
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
}

/// <summary>Our payload in <see cref="CompletionItem.Data"/>: the document and the object the item names.</summary>
public sealed record CompletionItemData
{
    [JsonPropertyName("uri")] public string? Uri { get; init; }
    [JsonPropertyName("kind")] public string? Kind { get; init; }
    [JsonPropertyName("schema")] public string? Schema { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("column")] public string? Column { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#completionItemKind"/>
public static class CompletionItemKind
{
    public const int Function = 3;
    public const int Field = 5;
    public const int Variable = 6;
    public const int Interface = 8;
    public const int Module = 9;
    public const int Property = 10;
    public const int Keyword = 14;
    public const int Snippet = 15;
    public const int Constant = 21;
    public const int Struct = 22;
    public const int TypeParameter = 25;
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#completionOptions"/>
public sealed record CompletionOptions(
    [property: JsonPropertyName("triggerCharacters")] IReadOnlyList<string> TriggerCharacters,
    [property: JsonPropertyName("resolveProvider")] bool ResolveProvider);
