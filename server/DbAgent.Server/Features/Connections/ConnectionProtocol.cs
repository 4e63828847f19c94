using System.Text.Json;
using System.Text.Json.Serialization;

namespace DbAgent.Server.Features.Connections;

// The connection payloads exactly as TEAM.md fixes them (the extension declares the same in its protocol.ts).
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

public static class ConnectionStates
{
    public const string Connected = "connected";
    public const string Unreachable = "unreachable";
    public const string None = "none";
}
