using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#symbolKind"/>
public enum SymbolKind
{
    File = 1, Module = 2, Namespace = 3, Package = 4, Class = 5, Method = 6, Property = 7, Field = 8, Constructor = 9,
    Enum = 10, Interface = 11, Function = 12, Variable = 13, Constant = 14, String = 15, Number = 16, Boolean = 17,
    Array = 18, Object = 19, Key = 20, Null = 21, EnumMember = 22, Struct = 23, Event = 24, Operator = 25, TypeParameter = 26,
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#documentSymbolParams"/>
public sealed record DocumentSymbolParams([property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#documentSymbol"/>
public sealed record DocumentSymbol
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("detail")] public string? Detail { get; init; }
    [JsonPropertyName("kind")] public required SymbolKind Kind { get; init; }
    [JsonPropertyName("range")] public required Range Range { get; init; }
    [JsonPropertyName("selectionRange")] public required Range SelectionRange { get; init; }
    [JsonPropertyName("children")] public IReadOnlyList<DocumentSymbol>? Children { get; init; }
}
