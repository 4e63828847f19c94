using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DbAgent.Agent.Chat;
using DbAgent.Sql;

namespace DbAgent.Agent.Tools;

/// <summary>One input of a tool: a JSON Schema property (string, integer or array of strings).</summary>
public sealed record ToolParameter(string Name, string Type, string Description, bool Required = false);

/// <summary>
/// A read-only analysis tool that a model may call: in the chat's tool loop, in agent mode (through
/// `dbagent/runTool`) and through Semantic Kernel for an OpenAI-compatible endpoint. One implementation serves all
/// three; none of them writes to a database.
/// </summary>
public abstract class DbAgentTool
{
    /// <summary>The name the model sees; the same in package.json's languageModelTools.</summary>
    public abstract string Name { get; }

    /// <summary>What the tool does, for the model; ends with the promise that it never writes.</summary>
    public abstract string Description { get; }

    public abstract IReadOnlyList<ToolParameter> Parameters { get; }

    /// <summary>A short "running ..." message for the chat's progress line and agent mode's invocation message.</summary>
    public abstract string Progress(ToolArguments arguments);

    public abstract Task<string> RunAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken);

    public const string NeverWrites = " It is read-only: it never writes to a database (plans come from EXPLAIN without ANALYZE in a rolled-back read-only transaction).";

    /// <summary>The JSON Schema of the input object, built from <see cref="Parameters"/>.</summary>
    public JsonObject InputSchema()
    {
        var properties = new JsonObject();
        foreach (var p in Parameters)
        {
            var property = new JsonObject { ["type"] = p.Type, ["description"] = p.Description };
            if (p.Type == "array") property["items"] = new JsonObject { ["type"] = "string" };
            properties[p.Name] = property;
        }
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        var required = Parameters.Where(p => p.Required).Select(p => (JsonNode)JsonValue.Create(p.Name)!).ToArray();
        if (required.Length > 0) schema["required"] = new JsonArray(required);
        return schema;
    }
}

/// <summary>A tool's input was not what its schema says: the message tells the model what to fix.</summary>
public sealed class ToolInputException(string message) : Exception(message);

/// <summary>A tool's input object, read leniently (models send "3" for 3) but checked against the tool's parameters.</summary>
public sealed class ToolArguments
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.OrdinalIgnoreCase);

    public ToolArguments(JsonElement input, IReadOnlyList<ToolParameter> parameters)
    {
        if (input.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) input = JsonDocument.Parse("{}").RootElement;
        if (input.ValueKind == JsonValueKind.String && input.GetString() is { } text)
        {
            // Some models send the arguments object as a JSON string.
            try { input = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text).RootElement; }
            catch (JsonException) { throw new ToolInputException("The input must be a JSON object."); }
        }
        if (input.ValueKind != JsonValueKind.Object) throw new ToolInputException($"The input must be a JSON object, not {input.ValueKind.ToString().ToLowerInvariant()}.");
        foreach (var property in input.EnumerateObject())
        {
            if (!parameters.Any(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase)))
                throw new ToolInputException($"Unknown input `{property.Name}`; the inputs are: {string.Join(", ", parameters.Select(p => $"`{p.Name}` ({p.Type})"))}.");
            if (property.Value.ValueKind != JsonValueKind.Null) _values[property.Name] = property.Value.Clone();
        }
        foreach (var p in parameters.Where(p => p.Required))
            if (!_values.ContainsKey(p.Name)) throw new ToolInputException($"The input `{p.Name}` is required: {p.Description}");
        foreach (var p in parameters.Where(p => _values.ContainsKey(p.Name)))
        {
            // Read each once, so a wrong type fails before the tool starts.
            _ = p.Type switch { "integer" => (object?)Int(p.Name), "array" => Strings(p.Name), _ => String(p.Name) };
        }
    }

    public static ToolArguments Empty { get; } = new(JsonDocument.Parse("{}").RootElement, []);

    public string? String(string name)
    {
        if (!_values.TryGetValue(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetString()) ? null : v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new ToolInputException($"The input `{name}` must be a string."),
        };
    }

    public int? Int(string name)
    {
        if (!_values.TryGetValue(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)) return n;
        if (v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        if (v.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(v.GetString())) return null;
        throw new ToolInputException($"The input `{name}` must be an integer.");
    }

    public IReadOnlyList<string> Strings(string name)
    {
        if (!_values.TryGetValue(name, out var v)) return [];
        return v.ValueKind switch
        {
            JsonValueKind.Array => v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ToolInputException($"The input `{name}` must be an array of strings."))
                .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList(),
            // A model that sends "orders, customers" means two tables.
            JsonValueKind.String => v.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            _ => throw new ToolInputException($"The input `{name}` must be an array of strings."),
        };
    }
}

/// <summary>Files a tool may be pointed at by name: the host resolves them from open documents or the workspace.</summary>
public interface IToolDocuments
{
    /// <summary>The document at a path (absolute, or relative to a workspace folder) or URI; null when there is none.</summary>
    Task<ChatDocument?> OpenAsync(string fileOrUri, CancellationToken cancellationToken);
}

/// <summary>What a tool runs against: the chat context (active document, schema, session) and the workspace's files.</summary>
public sealed record ToolContext(ChatContext Chat, IToolDocuments? Documents = null);
