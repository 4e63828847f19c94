using System.Text.Json;
using System.Text.Json.Serialization;

namespace DbAgent.Server.Features.Connections;

// The connection payloads; the extension declares the same in extension/src/connections/protocol.ts (keep them equal).
// A member the TypeScript side types as `T | null` (not optional) is written as null, never left out: the host's
// serializer drops nulls by default, so such members carry JsonIgnoreCondition.Never.

/// <summary>`dbagent/connectionPassword` (server → client) params.</summary>
public sealed record ConnectionPasswordParams([property: JsonPropertyName("connection")] string Connection);

/// <summary>`dbagent/connectionPassword` result: the password from SecretStorage, or null when it has none.</summary>
public sealed record ConnectionPasswordResult([property: JsonPropertyName("password"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Password);

/// <summary>`dbagent/testConnection` (client → server) params: one entry as in `dbagent.connections`.</summary>
public sealed record TestConnectionParams([property: JsonPropertyName("connection")] JsonElement Connection);

/// <summary>`dbagent/testConnection` result. <see cref="Message"/> never holds a secret.</summary>
public sealed record TestConnectionResult(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("serverVersion"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ServerVersion);

/// <summary>`dbagent/connectionStatus` (server → client notification).</summary>
public sealed record ConnectionStatusParams
{
    /// <summary>null: every document.</summary>
    [JsonPropertyName("uri"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Uri { get; init; }
    [JsonPropertyName("connection"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Connection { get; init; }
    /// <summary>connected | unreachable | none.</summary>
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("message")] public required string Message { get; init; }
}

/// <summary>`dbagent/refreshSchema` (client → server) params: a connection name, or null for the active one(s).</summary>
public sealed record RefreshSchemaParams([property: JsonPropertyName("connection"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Connection);

/// <summary>`dbagent/refreshSchema` result: how many tables the catalog has now.</summary>
public sealed record RefreshSchemaResult([property: JsonPropertyName("tables")] int Tables);

/// <summary>`dbagent/parseConnection` (client → server) params: pasted text and the engine, when the user chose one.</summary>
public sealed record ParseConnectionParams(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("engine"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Engine);

/// <summary>What a parsed connection puts into settings: never a password.</summary>
public sealed record ParsedConnection(
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("connectionString")] string ConnectionString);

/// <summary>
/// `dbagent/parseConnection` result. <see cref="Message"/> never holds a secret; <see cref="NeedsEngine"/> is true
/// when the text alone cannot tell the engine (ask the user and send it again with one).
/// </summary>
public sealed record ParseConnectionResult(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("needsEngine")] bool NeedsEngine,
    [property: JsonPropertyName("connection"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] ParsedConnection? Connection,
    [property: JsonPropertyName("password"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Password);

public static class ConnectionStates
{
    public const string Connected = "connected";
    public const string Unreachable = "unreachable";
    public const string None = "none";
}
