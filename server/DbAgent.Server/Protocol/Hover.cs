using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#hover"/>
public sealed record Hover(
    [property: JsonPropertyName("contents")] MarkupContent Contents,
    [property: JsonPropertyName("range")] Range? Range);
