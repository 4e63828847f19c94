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

/// <summary>The payload of `dbagent/diagnosticsSplice` (see <c>CustomMethods.DiagnosticsSplice</c>).</summary>
public sealed record DiagnosticsSpliceParams
{
    [JsonPropertyName("uri")] public required string Uri { get; init; }
    [JsonPropertyName("version")] public int? Version { get; init; }
    /// <summary>The splice whose diagnostics this one edits; 0: none (the list starts empty).</summary>
    [JsonPropertyName("base")] public int Base { get; init; }
    [JsonPropertyName("id")] public int Id { get; init; }
    [JsonPropertyName("start")] public int Start { get; init; }
    [JsonPropertyName("deleteCount")] public int DeleteCount { get; init; }
    /// <summary>What goes in at <see cref="Start"/>; a <see cref="PreparedDiagnostics"/> is written as its ready JSON.</summary>
    [JsonPropertyName("diagnostics"), JsonConverter(typeof(DiagnosticListConverter))] public required IReadOnlyList<Diagnostic> Diagnostics { get; init; }
}

/// <summary>The payload of `dbagent/diagnosticsResync`.</summary>
public sealed record DiagnosticsResyncParams([property: JsonPropertyName("uri")] string Uri);

