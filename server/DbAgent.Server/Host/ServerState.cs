using System.Text.Json;
using DbAgent.Server.Protocol;

namespace DbAgent.Server.Host;

/// <summary>Where the server is in the LSP lifecycle, and how it ends.</summary>
public sealed class ServerState
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Initialized { get; set; }
    public bool ShutdownRequested { get; set; }
    public InitializeParams? InitializeParams { get; set; }

    /// <summary>The client's capabilities from initialize (an undefined element before it).</summary>
    public JsonElement ClientCapabilities => InitializeParams?.Capabilities ?? default;

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
