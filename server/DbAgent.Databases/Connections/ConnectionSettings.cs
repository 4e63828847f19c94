using System.Text.Json;
using System.Text.Json.Serialization;

namespace DbAgent.Databases.Connections;

/// <summary>One entry of the `dbagent.connections` setting, as the extension sends it (never with a password).</summary>
public sealed record ConnectionSettings
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("engine")] public string? Engine { get; init; }
    [JsonPropertyName("host")] public string? Host { get; init; }
    [JsonPropertyName("port")] public int? Port { get; init; }
    [JsonPropertyName("database")] public string? Database { get; init; }
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("connectionString")] public string? ConnectionString { get; init; }
    [JsonPropertyName("readOnly")] public bool? ReadOnly { get; init; }
    [JsonPropertyName("folders")] public IReadOnlyList<string>? Folders { get; init; }

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, NumberHandling = JsonNumberHandling.AllowReadingFromString };

    /// <summary>Reads one settings object; null when it is not an object.</summary>
    public static ConnectionSettings? FromJson(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return null;
        try
        {
            return element.Deserialize<ConnectionSettings>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads the `dbagent.connections` array; entries that are not objects are skipped.</summary>
    public static IReadOnlyList<ConnectionSettings> ListFromJson(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray().Select(FromJson).OfType<ConnectionSettings>().ToList()
            : [];
}
