using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.DocumentSync;

/// <summary>textDocument/didOpen: the document enters the store (diagnostics follow), then its folder's settings are pulled.</summary>
[LspHandler(mutatesState: true)]
public sealed class DidOpenHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DidOpen, UseSingleObjectParameterDeserialization = true)]
    public void DidOpen(DidOpenTextDocumentParams parameters)
    {
        var uri = parameters.TextDocument.Uri;
        context.Documents.Open(parameters.TextDocument);
        context.Plans.Request(uri);
        _ = RefreshScopedSettingsAsync(uri);
        // Now that the document is open, a settings change finds it and tells it its connection again; told before,
        // it could miss connections that arrive in between.
        context.Connections.RefreshDocumentStatus(uri, context.ServerLifetime.Token);
        context.StatisticsPrefetch.Request(uri);
    }

    /// <summary>`dbagent.dialect` and `dbagent.rules` are resource scoped: a folder may set them for its files.</summary>
    private async Task RefreshScopedSettingsAsync(string uri)
    {
        try
        {
            if (await context.Configuration.RefreshDocumentAsync(uri, context.ServerLifetime.Token).ConfigureAwait(false))
            {
                context.Documents.ReselectDialects();
                context.Diagnostics.Schedule(uri);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            context.Log.Warning($"Reading the settings of {uri} failed: {e.GetType().Name}");
        }
    }
}
