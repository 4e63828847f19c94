using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#signatureHelp"/>
public sealed record SignatureHelp(
    [property: JsonPropertyName("signatures")] IReadOnlyList<SignatureInformation> Signatures,
    [property: JsonPropertyName("activeSignature")] int ActiveSignature,
    [property: JsonPropertyName("activeParameter")] int ActiveParameter);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#signatureInformation"/>
public sealed record SignatureInformation(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("documentation")] MarkupContent? Documentation,
    [property: JsonPropertyName("parameters")] IReadOnlyList<ParameterInformation> Parameters);

/// <summary>The parameter's label as [start, end) offsets into the signature's label.</summary>
/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#parameterInformation"/>
public sealed record ParameterInformation([property: JsonPropertyName("label")] int[] Label);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#signatureHelpOptions"/>
public sealed record SignatureHelpOptions(
    [property: JsonPropertyName("triggerCharacters")] IReadOnlyList<string> TriggerCharacters,
    [property: JsonPropertyName("retriggerCharacters")] IReadOnlyList<string> RetriggerCharacters);
