using System.Text.Json;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Configuration;

/// <summary>
/// workspace/didChangeConfiguration: pull the `dbagent` section again (the pushed payload is used only when the
/// client cannot answer workspace/configuration), then re-select dialects and re-publish diagnostics.
/// </summary>
[LspHandler(mutatesState: true)]
public sealed class DidChangeConfigurationHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DidChangeConfiguration, UseSingleObjectParameterDeserialization = true)]
    public void DidChangeConfiguration(DidChangeConfigurationParams parameters)
    {
        if (!context.Configuration.ClientSupportsPull)
        {
            if (parameters.Settings is { ValueKind: JsonValueKind.Object } pushed)
            {
                context.Configuration.ApplyPushed(pushed);
                context.Documents.ReselectDialects();
            }
            return;
        }
        _ = RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        try
        {
            await context.Configuration.RefreshAsync(context.Documents.OpenDocuments, context.ServerLifetime.Token).ConfigureAwait(false);
            context.Documents.ReselectDialects();
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
