using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#referenceParams"/>
public sealed record ReferenceParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("position")] Position Position,
    [property: JsonPropertyName("context")] ReferenceContext Context);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#referenceContext"/>
public sealed record ReferenceContext([property: JsonPropertyName("includeDeclaration")] bool IncludeDeclaration);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#documentHighlight"/>
public sealed record DocumentHighlight(
    [property: JsonPropertyName("range")] Range Range,
    [property: JsonPropertyName("kind")] int Kind);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#documentHighlightKind"/>
public static class DocumentHighlightKind
{
    public const int Text = 1;
    public const int Read = 2;
    public const int Write = 3;
}
