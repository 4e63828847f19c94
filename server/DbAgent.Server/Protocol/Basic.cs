using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <summary>Zero-based line and UTF-16 character offset.</summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#position"/>
public sealed record Position(
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("character")] int Character);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#range"/>
public sealed record Range(
    [property: JsonPropertyName("start")] Position Start,
    [property: JsonPropertyName("end")] Position End);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#location"/>
public sealed record Location(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("range")] Range Range);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocumentIdentifier"/>
public sealed record TextDocumentIdentifier([property: JsonPropertyName("uri")] string Uri);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#versionedTextDocumentIdentifier"/>
public sealed record VersionedTextDocumentIdentifier(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("version")] int Version);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocumentItem"/>
public sealed record TextDocumentItem(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("languageId")] string LanguageId,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("text")] string Text);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textEdit"/>
public sealed record TextEdit(
    [property: JsonPropertyName("range")] Range Range,
    [property: JsonPropertyName("newText")] string NewText);

/// <summary>
/// Either <see cref="Changes"/> (a map of document URI to edits) or <see cref="DocumentChanges"/> (text document
/// edits and resource operations such as <see cref="CreateFile"/>, in order).
/// </summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#workspaceEdit"/>
public sealed record WorkspaceEdit
{
    public WorkspaceEdit() { }

    public WorkspaceEdit(IReadOnlyDictionary<string, IReadOnlyList<TextEdit>> changes) => Changes = changes;

    [JsonPropertyName("changes")] public IReadOnlyDictionary<string, IReadOnlyList<TextEdit>>? Changes { get; init; }

    /// <summary>Elements are <see cref="TextDocumentEdit"/> or <see cref="CreateFile"/>; serialised by their runtime type.</summary>
    [JsonPropertyName("documentChanges")] public IReadOnlyList<object>? DocumentChanges { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#markupContentInnerDefinition"/>
public sealed record MarkupContent(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("value")] string Value)
{
    public static MarkupContent Markdown(string value) => new("markdown", value);
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocumentPositionParams"/>
public sealed record TextDocumentPositionParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("position")] Position Position);

/// <summary>The standard JSON-RPC and LSP error codes we answer with.</summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#errorCodes"/>
public static class LspErrorCodes
{
    public const int InvalidRequest = -32600;
    public const int ServerNotInitialized = -32002;
    public const int RequestCancelled = -32800;
    public const int ContentModified = -32801;
}

/// <summary>A text document edit for <see cref="WorkspaceEdit.DocumentChanges"/>; version null means "as the client has it".</summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocumentEdit"/>
public sealed record TextDocumentEdit(
    [property: JsonPropertyName("textDocument")] OptionalVersionedTextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("edits")] IReadOnlyList<TextEdit> Edits);

/// <summary>
/// `version` is required and may be null (`integer | null`): it is written as `"version": null`, never left out, or
/// vscode-languageclient does not recognise the edit as a TextDocumentEdit and drops the whole code action response.
/// </summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#optionalVersionedTextDocumentIdentifier"/>
public sealed record OptionalVersionedTextDocumentIdentifier(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("version"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Version);

/// <summary>A resource operation that creates a file (the client must announce `resourceOperations: ["create"]`).</summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#resourceChanges"/>
public sealed record CreateFile(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("options")] CreateFileOptions? Options)
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "serialized: System.Text.Json writes instance properties")]
    [JsonPropertyName("kind")] public string Kind => "create";
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#resourceChanges"/>
public sealed record CreateFileOptions(
    [property: JsonPropertyName("overwrite")] bool Overwrite,
    [property: JsonPropertyName("ignoreIfExists")] bool IgnoreIfExists);
