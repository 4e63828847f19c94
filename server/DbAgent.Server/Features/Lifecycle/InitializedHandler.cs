using DbAgent.Analysis.Pipeline;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Lifecycle;

/// <summary>initialized: the client is ready for requests from the server, so pull the `dbagent` settings now.</summary>
[LspHandler(mutatesState: true)]
public sealed class InitializedHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.Initialized, UseSingleObjectParameterDeserialization = true)]
    public void Initialized(object? parameters)
    {
        var client = context.State.InitializeParams?.ClientInfo;
        var splices = context.State.ClientTakesDiagnosticsSplices ? " (diagnostics as splices)" : "";
        context.Log.Info($"dbagent {ProductVersion.Current} ready{(client is null ? "" : $" for {client.Name} {client.Version}")}{splices}.");
        foreach (var (dialect, reason) in ExactSyntaxErrors.Validators.Unavailable)
            context.Log.Info($"Exact {dialect} syntax errors are off: {reason}");
        // Connections from the environment count even when the settings say nothing (and so never change).
        context.Connections.Reconfigure();
        _ = RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        try
        {
            await context.Configuration.RefreshAsync(context.Documents.OpenDocuments, context.ServerLifetime.Token).ConfigureAwait(false);
            context.Documents.ReselectDialects();
            // Replay the migrations now, so that the first hover does not wait for the disk.
            await context.Schema.GetAsync(context.ServerLifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            context.Log.Warning($"Reading settings failed: {e.GetType().Name}: {e.Message}");
        }
    }
}
