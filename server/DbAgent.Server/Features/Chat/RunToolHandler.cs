using System.Text.Json;
using DbAgent.Agent.Tools;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Chat;

/// <summary>
/// `dbagent/runTool`: agent mode calls one DbAgent tool (the extension's `vscode.lm.registerTool` forwards here). The
/// same tools as the chat's tool loop, on the same snapshots and database session; read-only. A bad call answers
/// with `isError` and a message the model can act on; cancellation answers RequestCancelled.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class RunToolHandler(LanguageServerContext context)
{
    private readonly ChatContextBuilder _contexts = new(context);

    [JsonRpcMethod(CustomMethods.RunTool, UseSingleObjectParameterDeserialization = true)]
    public async Task<RunToolResult> RunToolAsync(RunToolParams? parameters, CancellationToken cancellationToken)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.ServerLifetime.Token);
        var token = lifetime.Token;
        var name = parameters?.Name;
        if (DbAgentToolbox.Default.Find(name) is null)
            return new RunToolResult($"There is no tool `{name}`. The tools are: {string.Join(", ", DbAgentToolbox.Default.Tools.Select(t => $"`{t.Name}`"))}.", true);
        try
        {
            var chat = await _contexts.BuildAsync(new ChatParams { Document = parameters!.Document }, token, withModel: false).ConfigureAwait(false);
            var input = parameters.Input ?? JsonDocument.Parse("{}").RootElement;
            var outcome = await DbAgentToolbox.Default.InvokeAsync(name, input, new ToolContext(chat, chat.Files), token).ConfigureAwait(false);
            return new RunToolResult(outcome.Text, outcome.IsError);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.Log.Error($"dbagent/runTool {name} failed: {e.GetType().Name}");
            return new RunToolResult($"`{name}` failed ({e.GetType().Name}). The DbAgent output has the details.", true);
        }
    }
}
