using System.Text.Json;
using System.Text.Json.Nodes;

namespace DbAgent.Agent.Models;

/// <summary>
/// A model that takes one turn of a conversation the server owns: it streams text through <c>onText</c> and returns
/// the whole text and the tool calls it wants. The server runs the tools and asks again. VS Code's
/// `request.model`, run by the extension through `dbagent/modelRequest`, is one.
/// </summary>
public interface IToolCallingModel
{
    /// <summary>How the model calls itself (for progress messages).</summary>
    string DisplayName { get; }

    Task<ModelTurn> SendAsync(ModelTurnRequest request, Func<string, CancellationToken, ValueTask> onText, CancellationToken cancellationToken);
}

public enum ModelRole
{
    User,
    Assistant,
}

/// <summary>One piece of a message: text, a tool call the model made, or a tool's result given back to it.</summary>
public abstract record ModelPart;

public sealed record ModelTextPart(string Text) : ModelPart;

public sealed record ModelToolCallPart(string CallId, string Name, JsonElement Input) : ModelPart;

public sealed record ModelToolResultPart(string CallId, string Text, bool IsError) : ModelPart;

public sealed record ModelMessage(ModelRole Role, IReadOnlyList<ModelPart> Parts)
{
    public static ModelMessage User(string text) => new(ModelRole.User, [new ModelTextPart(text)]);
}

/// <summary>A tool the model may call: the name, what it does, and its input's JSON Schema.</summary>
public sealed record ModelToolDefinition(string Name, string Description, JsonObject InputSchema);

public sealed record ModelTurnRequest(IReadOnlyList<ModelMessage> Messages, IReadOnlyList<ModelToolDefinition> Tools);

/// <summary>The model's turn: its text, and the tools it asks for (none: it has answered).</summary>
public sealed record ModelTurn(string Text, IReadOnlyList<ModelToolCallPart> ToolCalls);
