using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#codeActionParams"/>
public sealed record CodeActionParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("range")] Range Range,
    [property: JsonPropertyName("context")] CodeActionContext Context);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#codeActionContext"/>
public sealed record CodeActionContext
{
    [JsonPropertyName("diagnostics")] public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];
    [JsonPropertyName("only")] public IReadOnlyList<string>? Only { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#codeActionKind"/>
public static class CodeActionKind
{
    public const string QuickFix = "quickfix";
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#codeAction"/>
public sealed record CodeAction
{
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("kind")] public string Kind { get; init; } = CodeActionKind.QuickFix;
    [JsonPropertyName("diagnostics")] public IReadOnlyList<Diagnostic>? Diagnostics { get; init; }
    [JsonPropertyName("isPreferred")] public bool? IsPreferred { get; init; }
    [JsonPropertyName("edit")] public WorkspaceEdit? Edit { get; init; }
}
