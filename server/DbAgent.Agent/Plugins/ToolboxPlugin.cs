using System.Text.Json;
using System.Text.Json.Nodes;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using Microsoft.SemanticKernel;

namespace DbAgent.Agent.Plugins;

/// <summary>
/// The <see cref="DbAgentToolbox"/> as a Semantic Kernel plugin, for an OpenAI-compatible endpoint: the same tools,
/// schemas and results that VS Code's model and agent mode get. The model sees them as `dbagent-review`, ...
/// </summary>
public static class ToolboxPlugin
{
    public const string PluginName = "dbagent";

    public static KernelPlugin Create(DbAgentToolbox toolbox, ChatContext context) =>
        KernelPluginFactory.CreateFromFunctions(PluginName, "DbAgent's read-only database tools", toolbox.Tools.Select(t => Function(toolbox, t, context)));

    /// <summary>The function name of a tool in the plugin (without the `dbagent_` prefix the plugin name already gives).</summary>
    public static string FunctionName(DbAgentTool tool) => tool.Name.StartsWith("dbagent_", StringComparison.Ordinal) ? tool.Name["dbagent_".Length..] : tool.Name;

    private static KernelFunction Function(DbAgentToolbox toolbox, DbAgentTool tool, ChatContext context)
    {
        var schema = tool.InputSchema();
        var properties = (JsonObject)schema["properties"]!;
        return KernelFunctionFactory.CreateFromMethod(
            async (KernelArguments arguments, CancellationToken cancellationToken) =>
            {
                var input = ToInput(arguments, tool);
                var outcome = await toolbox.InvokeAsync(tool.Name, input, new ToolContext(context, context.Files), cancellationToken).ConfigureAwait(false);
                return outcome.Text;
            },
            new KernelFunctionFromMethodOptions
            {
                FunctionName = FunctionName(tool),
                Description = tool.Description,
                Parameters = tool.Parameters.Select(p => new KernelParameterMetadata(p.Name)
                {
                    Description = p.Description,
                    IsRequired = p.Required,
                    ParameterType = p.Type switch { "integer" => typeof(int), "array" => typeof(string[]), _ => typeof(string) },
                    Schema = KernelJsonSchema.Parse(properties[p.Name]!.ToJsonString()),
                }).ToList(),
                ReturnParameter = new KernelReturnParameterMetadata { ParameterType = typeof(string), Description = "Markdown for the model" },
            });
    }

    /// <summary>The kernel's arguments as the tool's JSON input (the connector hands values over as strings or JSON).</summary>
    private static JsonElement ToInput(KernelArguments arguments, DbAgentTool tool)
    {
        var input = new JsonObject();
        foreach (var (name, value) in arguments)
        {
            if (value is null || tool.Parameters.All(p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))) continue;
            var type = tool.Parameters.First(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Type;
            JsonNode? node = value switch
            {
                JsonElement e => JsonNode.Parse(e.GetRawText()),
                string s when type != "string" && TryParse(s) is { } parsed => parsed,
                string s => JsonValue.Create(s),
                _ => JsonSerializer.SerializeToNode(value),
            };
            input[name] = node;
        }
        return JsonSerializer.SerializeToElement(input);
    }

    private static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }
}
