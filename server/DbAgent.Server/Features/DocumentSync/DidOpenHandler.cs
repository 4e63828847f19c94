using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.DocumentSync;

/// <summary>textDocument/didOpen: the document enters the store (diagnostics follow), then its folder's settings are pulled.</summary>
public sealed class DidOpenHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DidOpen, UseSingleObjectParameterDeserialization = true)]
    public void DidOpen(DidOpenTextDocumentParams parameters)
    {
        // Enqueued synchronously: the store applies open and edits in the order they arrived.
        var opened = context.Documents.Open(parameters.TextDocument);
        context.Plans.Request(parameters.TextDocument.Uri);
        _ = RefreshScopedSettingsAsync(parameters.TextDocument.Uri);
        // Once the document is open, a settings change finds it and tells it its connection again; told before, it
        // could miss connections that arrive in between.
        var uri = parameters.TextDocument.Uri;
        _ = opened.ContinueWith(_ => context.Connections.RefreshDocumentStatus(uri, context.ServerLifetime.Token), TaskScheduler.Default);
    }

    /// <summary>`dbagent.dialect` and `dbagent.rules` are resource scoped: a folder may set them for its files.</summary>
    private async Task RefreshScopedSettingsAsync(string uri)
    {
        try
        {
            if (await context.Configuration.RefreshDocumentAsync(uri, context.ServerLifetime.Token).ConfigureAwait(false))
            {
                await context.Documents.ReselectDialects().ConfigureAwait(false);
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
