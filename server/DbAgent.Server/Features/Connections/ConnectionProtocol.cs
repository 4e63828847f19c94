using System.Text.Json;
using System.Text.Json.Serialization;

namespace DbAgent.Server.Features.Connections;

// The connection payloads; the extension declares the same in extension/src/connections/protocol.ts (keep them equal).

/// <summary>`dbagent/connectionPassword` (server → client) params.</summary>
public sealed record ConnectionPasswordParams([property: JsonPropertyName("connection")] string Connection);

/// <summary>`dbagent/connectionPassword` result: the password from SecretStorage, or null when it has none.</summary>
public sealed record ConnectionPasswordResult([property: JsonPropertyName("password")] string? Password);

/// <summary>`dbagent/testConnection` (client → server) params: one entry as in `dbagent.connections`.</summary>
public sealed record TestConnectionParams([property: JsonPropertyName("connection")] JsonElement Connection);

/// <summary>`dbagent/testConnection` result. <see cref="Message"/> never holds a secret.</summary>
public sealed record TestConnectionResult(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("serverVersion")] string? ServerVersion);

/// <summary>`dbagent/connectionStatus` (server → client notification).</summary>
public sealed record ConnectionStatusParams
{
    [JsonPropertyName("uri")] public string? Uri { get; init; }
    [JsonPropertyName("connection")] public string? Connection { get; init; }
    /// <summary>connected | unreachable | none.</summary>
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("message")] public required string Message { get; init; }
}

/// <summary>`dbagent/refreshSchema` (client → server) params: a connection name, or null for the active one(s).</summary>
public sealed record RefreshSchemaParams([property: JsonPropertyName("connection")] string? Connection);

/// <summary>`dbagent/refreshSchema` result: how many tables the catalog has now.</summary>
public sealed record RefreshSchemaResult([property: JsonPropertyName("tables")] int Tables);

public static class ConnectionStates
{
    public const string Connected = "connected";
    public const string Unreachable = "unreachable";
    public const string None = "none";
}
