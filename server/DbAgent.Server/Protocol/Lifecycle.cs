using System.Text.Json;
using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <summary>The parts of the client's initialize request the server reads; the rest is kept as raw JSON.</summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#initialize"/>
public sealed record InitializeParams
{
    // processId and rootUri are required and nullable (`integer | null`, `DocumentUri | null`).
    [JsonPropertyName("processId"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public int? ProcessId { get; init; }
    [JsonPropertyName("clientInfo")] public ClientInfo? ClientInfo { get; init; }
    [JsonPropertyName("rootUri"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? RootUri { get; init; }
    [JsonPropertyName("workspaceFolders")] public IReadOnlyList<WorkspaceFolder>? WorkspaceFolders { get; init; }
    [JsonPropertyName("capabilities")] public JsonElement Capabilities { get; init; }
    [JsonPropertyName("initializationOptions")] public JsonElement? InitializationOptions { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#initialize"/>
public sealed record ClientInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string? Version);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#workspaceFolder"/>
public sealed record WorkspaceFolder(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("name")] string Name);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#initializeResult"/>
public sealed record InitializeResult(
    [property: JsonPropertyName("capabilities")] ServerCapabilities Capabilities,
    [property: JsonPropertyName("serverInfo")] ServerInfo ServerInfo);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#initializeResult"/>
public sealed record ServerInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version);

/// <summary>Only what the server implements: nothing is advertised that it does not answer.</summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#serverCapabilities"/>
public sealed record ServerCapabilities
{
    [JsonPropertyName("positionEncoding")] public string PositionEncoding { get; init; } = "utf-16";
    [JsonPropertyName("textDocumentSync")] public required TextDocumentSyncOptions TextDocumentSync { get; init; }
    [JsonPropertyName("hoverProvider")] public bool HoverProvider { get; init; }
    [JsonPropertyName("codeActionProvider")] public CodeActionOptions? CodeActionProvider { get; init; }
    [JsonPropertyName("documentSymbolProvider")] public bool DocumentSymbolProvider { get; init; }
    [JsonPropertyName("completionProvider")] public CompletionOptions? CompletionProvider { get; init; }
    [JsonPropertyName("definitionProvider")] public bool DefinitionProvider { get; init; }
    [JsonPropertyName("referencesProvider")] public bool ReferencesProvider { get; init; }
    [JsonPropertyName("documentHighlightProvider")] public bool DocumentHighlightProvider { get; init; }
    [JsonPropertyName("signatureHelpProvider")] public SignatureHelpOptions? SignatureHelpProvider { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocumentSyncOptions"/>
public sealed record TextDocumentSyncOptions
{
    [JsonPropertyName("openClose")] public bool OpenClose { get; init; }
    /// <summary>1 = full, 2 = incremental.</summary>
    [JsonPropertyName("change")] public int Change { get; init; }
    [JsonPropertyName("save")] public SaveOptions? Save { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#saveOptions"/>
public sealed record SaveOptions([property: JsonPropertyName("includeText")] bool IncludeText);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#codeActionOptions"/>
public sealed record CodeActionOptions([property: JsonPropertyName("codeActionKinds")] IReadOnlyList<string> CodeActionKinds);

public static class TextDocumentSyncKind
{
    public const int Full = 1;
    public const int Incremental = 2;
}
