namespace DbAgent.Server.Host;

/// <summary>The standard LSP method names the server answers or sends. Custom ones live in Features/Custom/CustomMethods.cs.</summary>
public static class Methods
{
    public const string Initialize = "initialize";
    public const string Initialized = "initialized";
    public const string Shutdown = "shutdown";
    public const string Exit = "exit";
    public const string DidOpen = "textDocument/didOpen";
    public const string DidChange = "textDocument/didChange";
    public const string DidClose = "textDocument/didClose";
    public const string DidSave = "textDocument/didSave";
    public const string PublishDiagnostics = "textDocument/publishDiagnostics";
    public const string Hover = "textDocument/hover";
    public const string CodeAction = "textDocument/codeAction";
    public const string DocumentSymbol = "textDocument/documentSymbol";
    public const string Completion = "textDocument/completion";
    public const string CompletionResolve = "completionItem/resolve";
    public const string Definition = "textDocument/definition";
    public const string References = "textDocument/references";
    public const string DocumentHighlight = "textDocument/documentHighlight";
    public const string SignatureHelp = "textDocument/signatureHelp";
    public const string Configuration = "workspace/configuration";
    public const string DidChangeConfiguration = "workspace/didChangeConfiguration";
    public const string LogMessage = "window/logMessage";
    public const string Progress = "$/progress";
    public const string CancelRequest = "$/cancelRequest";
}
