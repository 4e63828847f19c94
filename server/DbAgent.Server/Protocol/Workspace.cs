using System.Text.Json;
using System.Text.Json.Serialization;

namespace DbAgent.Server.Protocol;

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#workspace_configuration"/>
public sealed record ConfigurationParams([property: JsonPropertyName("items")] IReadOnlyList<ConfigurationItem> Items);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#configurationItem"/>
public sealed record ConfigurationItem
{
    [JsonPropertyName("scopeUri")] public string? ScopeUri { get; init; }
    [JsonPropertyName("section")] public string? Section { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#workspace_didChangeConfiguration"/>
public sealed record DidChangeConfigurationParams
{
    /// <summary>Required LSPAny, which may be null.</summary>
    [JsonPropertyName("settings"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public JsonElement? Settings { get; init; }
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#messageType"/>
public enum MessageType
{
    Error = 1,
    Warning = 2,
    Info = 3,
    Log = 4,
}

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#window_logMessage"/>
public sealed record LogMessageParams(
    [property: JsonPropertyName("type")] MessageType Type,
    [property: JsonPropertyName("message")] string Message);

/// <see href="https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#progress"/>
public sealed record ProgressParams<T>(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("value")] T Value);
