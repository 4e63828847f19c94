using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#diagnosticSeverity"/>
public enum DiagnosticSeverity
{
    Error = 1,
    Warning = 2,
    Information = 3,
    Hint = 4,
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#diagnostic"/>
public sealed record Diagnostic
{
    [JsonPropertyName("range")] public required Range Range { get; init; }
    [JsonPropertyName("severity")] public DiagnosticSeverity Severity { get; init; }
    /// <summary>The rule id (kebab-case), e.g. delete-without-where.</summary>
    [JsonPropertyName("code")] public string? Code { get; init; }
    [JsonPropertyName("codeDescription")] public CodeDescription? CodeDescription { get; init; }
    [JsonPropertyName("source")] public string Source { get; init; } = "dbagent";
    [JsonPropertyName("message")] public required string Message { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#codeDescription"/>
public sealed record CodeDescription([property: JsonPropertyName("href")] string Href);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocument_publishDiagnostics"/>
public sealed record PublishDiagnosticsParams
{
    [JsonPropertyName("uri")] public required string Uri { get; init; }
    [JsonPropertyName("version")] public int? Version { get; init; }
    /// <summary>A <see cref="PreparedDiagnostics"/> is written as its ready JSON.</summary>
    [JsonPropertyName("diagnostics"), JsonConverter(typeof(DiagnosticListConverter))] public required IReadOnlyList<Diagnostic> Diagnostics { get; init; }
}
