using System.Text.Json;
using DbAgent.Server.Protocol;

namespace DbAgent.Server.Host;

/// <summary>Where the server is in the LSP lifecycle, and how it ends.</summary>
public sealed class ServerState
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool ShutdownRequested { get; set; }
    public InitializeParams? InitializeParams { get; set; }

    /// <summary>The workspace folders from initialize as local paths (file: URIs only; others are not on this machine's disk).</summary>
    public IReadOnlyList<string> WorkspaceFolders
    {
        get
        {
            var init = InitializeParams;
            var uris = init?.WorkspaceFolders?.Select(f => f.Uri).ToList() ?? [];
            if (uris.Count == 0 && init?.RootUri is { } root) uris.Add(root);
            return uris.Select(Workspace.WorkspaceSchema.LocalPath).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The client's capabilities from initialize (an undefined element before it).</summary>
    public JsonElement ClientCapabilities => InitializeParams?.Capabilities ?? default;

    /// <summary>
    /// The client takes a document's diagnostics as splices of the last ones it got (`dbagent/diagnosticsSplice`) instead
    /// of whole (`capabilities.experimental.dbagentDiagnosticsSplice` is true): DbAgent's own extension does.
    /// </summary>
    public bool ClientTakesDiagnosticsSplices =>
        ClientCapabilities.ValueKind == JsonValueKind.Object &&
        ClientCapabilities.TryGetProperty("experimental", out var experimental) && experimental.ValueKind == JsonValueKind.Object &&
        experimental.TryGetProperty("dbagentDiagnosticsSplice", out var splice) && splice.ValueKind == JsonValueKind.True;

    /// <summary>The client applies workspace edits that create files (`workspace.workspaceEdit.resourceOperations` has "create").</summary>
    public bool ClientCanCreateFiles =>
        ClientCapabilities.ValueKind == JsonValueKind.Object &&
        ClientCapabilities.TryGetProperty("workspace", out var ws) && ws.ValueKind == JsonValueKind.Object &&
        ws.TryGetProperty("workspaceEdit", out var edit) && edit.ValueKind == JsonValueKind.Object &&
        edit.TryGetProperty("documentChanges", out var dc) && dc.ValueKind == JsonValueKind.True &&
        edit.TryGetProperty("resourceOperations", out var ops) && ops.ValueKind == JsonValueKind.Array &&
        ops.EnumerateArray().Any(o => o.ValueKind == JsonValueKind.String && o.GetString() == "create");

    /// <summary>Completes on `exit` with the process exit code: 0 after a shutdown request, 1 without (as the spec says).</summary>
    public Task<int> Exited => _exit.Task;

    public void Exit() => _exit.TrySetResult(ShutdownRequested ? 0 : 1);
}
